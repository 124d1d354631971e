/// The two G.711 companding laws, named by the media types used to negotiate them.
public enum G711Encoding: String, Sendable, CaseIterable {
    /// mu-law, see ``MuLaw``.
    case muLaw = "audio/x-mulaw"
    /// A-law, see ``ALaw``.
    case aLaw = "audio/x-alaw"
}

extension G711Encoding {
    /// Compresses one 16-bit linear PCM sample.
    @inlinable
    public func encode(_ sample: Int16) -> UInt8 {
        switch self {
        case .muLaw: MuLaw.encode(sample)
        case .aLaw: ALaw.encode(sample)
        }
    }

    /// Expands one code to 16-bit linear PCM.
    @inlinable
    public func decode(_ byte: UInt8) -> Int16 {
        switch self {
        case .muLaw: MuLaw.decode(byte)
        case .aLaw: ALaw.decode(byte)
        }
    }

    /// Appends the PCM expansion of `input` to `output`.
    @inlinable
    public func decode(_ input: some Collection<UInt8>, into output: inout [Int16]) {
        switch self {
        case .muLaw: MuLaw.decode(input, into: &output)
        case .aLaw: ALaw.decode(input, into: &output)
        }
    }

    /// Appends the compression of `input` to `output`.
    @inlinable
    public func encode(_ input: some Collection<Int16>, into output: inout [UInt8]) {
        switch self {
        case .muLaw: MuLaw.encode(input, into: &output)
        case .aLaw: ALaw.encode(input, into: &output)
        }
    }

    /// Expands `input` into the first `input.count` elements of `output`, which must be at least that long.
    @inlinable
    public func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) {
        switch self {
        case .muLaw: MuLaw.decode(input, into: output)
        case .aLaw: ALaw.decode(input, into: output)
        }
    }

    /// Compresses `input` into the first `input.count` elements of `output`, which must be at least that long.
    @inlinable
    public func encode(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) {
        switch self {
        case .muLaw: MuLaw.encode(input, into: output)
        case .aLaw: ALaw.encode(input, into: output)
        }
    }
}

extension G711Encoding {
    /// Converts one code of this encoding to the code of `target` for the same linear PCM value.
    ///
    /// The conversion goes through linear PCM (decode, then encode), so it is exactly what a decode/encode
    /// pipeline would produce, only done as a single table lookup.
    @inlinable
    public func transcode(_ byte: UInt8, to target: G711Encoding) -> UInt8 {
        guard let table = G711Transcoding.table(from: self, to: target) else {
            return byte
        }
        return table.withUnsafeBufferPointer { $0[Int(byte)] }
    }

    /// Appends the conversion of `input` from this encoding to `target` to `output`.
    @inlinable
    public func transcode(_ input: some Collection<UInt8>, to target: G711Encoding, into output: inout [UInt8]) {
        guard let table = G711Transcoding.table(from: self, to: target) else {
            output.append(contentsOf: input)
            return
        }
        table.withUnsafeBufferPointer { table in
            G711Storage.append(
                input,
                to: &output,
                filler: 0,
                convertBuffer: { input, output in
                    for index in input.indices {
                        output[index] = table[Int(input[index])]
                    }
                },
                convertElement: { table[Int($0)] }
            )
        }
    }

    /// Converts `input` from this encoding to `target` into the first `input.count` elements of `output`, which
    /// must be at least that long. `output` may be the same memory as `input` (in-place transcoding).
    @inlinable
    public func transcode(
        _ input: UnsafeBufferPointer<UInt8>,
        to target: G711Encoding,
        into output: UnsafeMutableBufferPointer<UInt8>
    ) {
        precondition(output.count >= input.count, "G711Encoding.transcode: output buffer is shorter than the input")
        guard let table = G711Transcoding.table(from: self, to: target) else {
            // A plain loop rather than a memory copy keeps the documented in-place case valid.
            for index in input.indices {
                output[index] = input[index]
            }
            return
        }
        table.withUnsafeBufferPointer { table in
            for index in input.indices {
                output[index] = table[Int(input[index])]
            }
        }
    }
}

/// Code-to-code conversion tables, built once through linear PCM.
@usableFromInline
enum G711Transcoding {
    @usableFromInline static let muLawToALaw: [UInt8] = (0...255).map { ALaw.encode(MuLaw.decode(UInt8($0))) }
    @usableFromInline static let aLawToMuLaw: [UInt8] = (0...255).map { MuLaw.encode(ALaw.decode(UInt8($0))) }

    /// The table for a conversion, or `nil` when source and target are the same and bytes pass through.
    @inlinable
    static func table(from source: G711Encoding, to target: G711Encoding) -> [UInt8]? {
        switch (source, target) {
        case (.muLaw, .aLaw): muLawToALaw
        case (.aLaw, .muLaw): aLawToMuLaw
        case (.muLaw, .muLaw), (.aLaw, .aLaw): nil
        }
    }
}

/// The appending strategy shared by the codecs' `inout [Element]` APIs.
@usableFromInline
enum G711Storage {
    /// Appends one converted element per element of `input` to `output`.
    ///
    /// Contiguous input (arrays, `ByteBuffer` views, ...) is converted in one pass through `convertBuffer`;
    /// anything else falls back to appending `convertElement`'s results one by one.
    @inlinable
    static func append<Input, Output>(
        _ input: some Collection<Input>,
        to output: inout [Output],
        filler: Output,
        convertBuffer: (UnsafeBufferPointer<Input>, UnsafeMutableBufferPointer<Output>) -> Void,
        convertElement: (Input) -> Output
    ) {
        let start = output.count
        let converted: Void? = input.withContiguousStorageIfAvailable { source in
            // Pre-filling costs a cheap extra pass, but lets the conversion write through a pointer instead of
            // paying append's capacity and uniqueness checks on every sample (about 8x faster overall).
            output.append(contentsOf: repeatElement(filler, count: source.count))
            output.withUnsafeMutableBufferPointer { all in
                convertBuffer(source, UnsafeMutableBufferPointer(rebasing: all[start...]))
            }
        }
        guard converted == nil else {
            return
        }
        reserve(additional: input.count, in: &output)
        for element in input {
            output.append(convertElement(element))
        }
    }

    /// Makes room for `additional` more elements, growing geometrically: reserving exactly `count + additional`
    /// would reallocate on every call and make a stream of small frames quadratic.
    @inlinable
    static func reserve<Element>(additional: Int, in array: inout [Element]) {
        let needed = array.count + additional
        if array.capacity < needed {
            array.reserveCapacity(Swift.max(needed, array.capacity * 2))
        }
    }
}

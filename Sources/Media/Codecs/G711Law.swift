/// One G.711 companding law: its 256-entry expansion table and its scalar compressor. Everything
/// else (array and buffer variants) is written once, here, for both laws.
public protocol G711Law {
    /// Every code's PCM value, indexed by code.
    static var decodeTable: [Int16] { get }
    /// Compresses one 16-bit linear PCM sample.
    static func encode(_ sample: Int16) -> UInt8
}

extension G711Law {
    /// Expands one code to 16-bit linear PCM.
    @inlinable
    public static func decode(_ byte: UInt8) -> Int16 {
        self.decodeTable.withUnsafeBufferPointer { $0[Int(byte)] }
    }

    /// Appends the PCM expansion of `input` to `output`.
    ///
    /// Reuse `output` across calls (e.g. `removeAll(keepingCapacity: true)`) to avoid allocating at all.
    @inlinable
    public static func decode(_ input: some Collection<UInt8>, into output: inout [Int16]) {
        G711Storage.append(
            input,
            to: &output,
            filler: 0,
            convertBuffer: { self.decode($0, into: $1) },
            convertElement: { self.decode($0) }
        )
    }

    /// Appends the compression of `input` to `output`.
    ///
    /// Reuse `output` across calls (e.g. `removeAll(keepingCapacity: true)`) to avoid allocating at all.
    @inlinable
    public static func encode(_ input: some Collection<Int16>, into output: inout [UInt8]) {
        G711Storage.append(
            input,
            to: &output,
            filler: 0,
            convertBuffer: { self.encode($0, into: $1) },
            convertElement: { self.encode($0) }
        )
    }

    /// Expands `input` into the first `input.count` elements of `output`, which must be at least that long.
    @inlinable
    public static func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) {
        precondition(output.count >= input.count, "\(Self.self).decode: output buffer is shorter than the input")
        self.decodeTable.withUnsafeBufferPointer { table in
            for index in input.indices {
                output[index] = table[Int(input[index])]
            }
        }
    }

    /// Compresses `input` into the first `input.count` elements of `output`, which must be at least that long.
    @inlinable
    public static func encode(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(output.count >= input.count, "\(Self.self).encode: output buffer is shorter than the input")
        for index in input.indices {
            output[index] = self.encode(input[index])
        }
    }
}

import Media
import Testing

/// The array and buffer variants are one implementation (the `G711Law` extension) for both laws;
/// they are checked here against the scalar codec, which each law's own suite checks against the
/// C reference.
@Suite("G711Law buffer variants")
struct G711LawTests {
    enum Law: String, CaseIterable, Sendable {
        case muLaw, aLaw

        func run(_ body: (any G711Law.Type) -> Void) {
            switch self {
            case .muLaw: body(MuLaw.self)
            case .aLaw: body(ALaw.self)
            }
        }
    }

    @Test("Collection variants append exactly the scalar results", arguments: Law.allCases)
    func collectionVariantsMatchScalar(law: Law) {
        law.run { Self.collectionVariantsMatchScalar($0) }
    }

    @Test("Unsafe buffer variants write exactly the scalar results", arguments: Law.allCases)
    func unsafeVariantsMatchScalar(law: Law) {
        law.run { Self.unsafeVariantsMatchScalar($0) }
    }

    @Test("Repeated appends keep growing capacity geometrically", arguments: Law.allCases)
    func appendingGrowsGeometrically(law: Law) {
        law.run { Self.appendingGrowsGeometrically($0) }
    }

    static func collectionVariantsMatchScalar<L: G711Law>(_: L.Type) {
        // A permutation of all codes (167 is odd), so every table entry is exercised in a non-trivial order.
        let bytes = (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 167) }
        var pcm: [Int16] = [42]
        L.decode(bytes, into: &pcm)
        #expect(pcm == [42] + bytes.map { L.decode($0) })

        // A non-contiguous collection takes the generic path.
        var fromLazy: [Int16] = []
        L.decode((0...255).lazy.map { UInt8($0) }, into: &fromLazy)
        #expect(fromLazy == (0...255).map { L.decode(UInt8($0)) })

        // A slice is contiguous but does not start at index 0.
        var fromSlice: [Int16] = []
        L.decode(bytes[100..<300], into: &fromSlice)
        #expect(fromSlice == bytes[100..<300].map { L.decode($0) })

        let samples = Array(stride(from: Int16.min, through: Int16.max, by: 127))
        var codes: [UInt8] = [7]
        L.encode(samples, into: &codes)
        #expect(codes == [7] + samples.map { L.encode($0) })

        var codesFromLazy: [UInt8] = []
        L.encode(samples.lazy.map { $0 }, into: &codesFromLazy)
        #expect(codesFromLazy == samples.map { L.encode($0) })

        var empty: [UInt8] = []
        L.encode([Int16](), into: &empty)
        #expect(empty.isEmpty)
    }

    static func unsafeVariantsMatchScalar<L: G711Law>(_: L.Type) {
        let bytes = (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 167) }
        // One spare element checks that nothing past input.count is written.
        var pcm = [Int16](repeating: 0x5A5A, count: bytes.count + 1)
        bytes.withUnsafeBufferPointer { input in
            pcm.withUnsafeMutableBufferPointer { L.decode(input, into: $0) }
        }
        #expect(pcm == bytes.map { L.decode($0) } + [0x5A5A])

        let samples = Array(Int16.min...Int16.max)
        var codes = [UInt8](repeating: 0xA5, count: samples.count + 1)
        samples.withUnsafeBufferPointer { input in
            codes.withUnsafeMutableBufferPointer { L.encode(input, into: $0) }
        }
        #expect(codes == samples.map { L.encode($0) } + [0xA5])
    }

    static func appendingGrowsGeometrically<L: G711Law>(_: L.Type) {
        var pcm: [Int16] = []
        var reallocations = 0
        var capacity = pcm.capacity
        let frame = [UInt8](repeating: 0x80, count: 160)
        for iteration in 0..<1000 {
            // Contiguous and non-contiguous input take different paths; both must grow geometrically.
            if iteration.isMultiple(of: 2) {
                L.decode(frame, into: &pcm)
            } else {
                L.decode(repeatElement(UInt8(0x80), count: 160), into: &pcm)
            }
            if pcm.capacity != capacity {
                reallocations += 1
                capacity = pcm.capacity
            }
        }
        #expect(pcm == [Int16](repeating: L.decode(0x80), count: 160_000))
        #expect(reallocations < 20)
    }
}

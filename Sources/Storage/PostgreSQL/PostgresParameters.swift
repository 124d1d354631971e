import CLibPQ

/// Statement parameters laid out the way `PQsendQueryPrepared` takes them: numbers and text in text
/// format (the server converts them to the column's type, as it would a literal), blobs as raw bytes
/// in binary format, `NULL` as a null pointer.
struct PostgresParameters {
    /// Every value, each followed by a NUL, in one buffer so one allocation serves all parameters.
    private var bytes: [CChar] = []
    private var offsets: [Int?] = []
    private var lengths: [Int32] = []
    private var formats: [Int32] = []

    init(_ binds: [SQLValue]) {
        for value in binds {
            switch value {
            case .null:
                self.offsets.append(nil)
                self.lengths.append(0)
                self.formats.append(0)
            case .integer(let integer): self.append(text: String(integer))
            case .real(let real): self.append(text: String(real))
            case .text(let text): self.append(text: text)
            case .blob(let blob):
                self.offsets.append(self.bytes.count)
                self.bytes.append(contentsOf: blob.lazy.map { CChar(bitPattern: $0) })
                self.bytes.append(0)  // an empty blob still needs a non-null pointer
                self.lengths.append(Int32(clamping: blob.count))
                self.formats.append(1)
            }
        }
    }

    var count: Int32 { Int32(self.offsets.count) }

    private mutating func append(text: String) {
        self.offsets.append(self.bytes.count)
        self.bytes.append(contentsOf: text.utf8.lazy.map { CChar(bitPattern: $0) })
        self.bytes.append(0)
        self.lengths.append(0)  // ignored for text-format parameters
        self.formats.append(0)
    }

    /// Calls `body` with the value pointers, lengths and formats, valid only during the call (libpq
    /// copies them into its output buffer before `PQsend…` returns).
    func withUnsafeArrays<Result>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> Result
    ) -> Result {
        self.bytes.withUnsafeBufferPointer { buffer in
            let values = self.offsets.map { offset in offset.map { UnsafePointer(buffer.baseAddress! + $0) } }
            return values.withUnsafeBufferPointer { values in
                self.lengths.withUnsafeBufferPointer { lengths in
                    self.formats.withUnsafeBufferPointer { formats in
                        body(values.baseAddress, lengths.baseAddress, formats.baseAddress)
                    }
                }
            }
        }
    }
}

import Core
import NIOCore

/// A resource that writes itself as one JSON object. The CRM's answers are written by hand rather
/// than through `JSONEncoder`: on Linux its generic, key-converting path was most of a list
/// request's CPU (see BENCHMARKS.md), and the shapes are fixed.
protocol JSONWritable: Sendable {
    func write(to json: inout JSONWriter)
}

/// Writes JSON straight into a `ByteBuffer`. Keys are written as given (the resources list theirs in
/// alphabetical order, as the sorted-keys encoder did); `nil` is written as `null`, so every
/// field of a documented shape is always present.
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    private var needsComma = false

    init(capacity: Int = 512) {
        self.buffer = ByteBuffer()
        self.buffer.reserveCapacity(capacity)
    }

    /// One object; `body` writes its fields.
    mutating func object(_ body: (inout JSONWriter) -> Void) {
        self.buffer.writeInteger(UInt8(ascii: "{"))
        self.needsComma = false
        body(&self)
        self.buffer.writeInteger(UInt8(ascii: "}"))
        self.needsComma = true
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        self.key(name)
        self.value(value)
    }

    mutating func field(_ name: StaticString, _ value: Int64?) {
        self.key(name)
        if let value { self.buffer.writeString(String(value)) } else { self.buffer.writeStaticString("null") }
    }

    /// A number; whole values without a fraction (`5`, not `5.0`), non-finite ones as `null`.
    mutating func field(_ name: StaticString, _ value: Double) {
        self.key(name)
        if !value.isFinite {
            self.buffer.writeStaticString("null")
        } else if value == value.rounded(), abs(value) < 1e15 {
            self.buffer.writeString(String(Int64(value)))
        } else {
            self.buffer.writeString(String(value))
        }
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        self.key(name)
        self.buffer.writeStaticString(value ? "true" : "false")
    }

    mutating func field(_ name: StaticString, _ values: [String]) {
        self.key(name)
        self.buffer.writeInteger(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { self.buffer.writeInteger(UInt8(ascii: ",")) }
            self.value(value)
        }
        self.buffer.writeInteger(UInt8(ascii: "]"))
    }

    mutating func field(_ name: StaticString, _ value: some JSONWritable) {
        self.key(name)
        value.write(to: &self)
    }

    mutating func field(_ name: StaticString, _ values: [some JSONWritable]) {
        self.key(name)
        self.buffer.writeInteger(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { self.buffer.writeInteger(UInt8(ascii: ",")) }
            value.write(to: &self)
        }
        self.buffer.writeInteger(UInt8(ascii: "]"))
    }

    private mutating func key(_ name: StaticString) {
        if self.needsComma { self.buffer.writeInteger(UInt8(ascii: ",")) }
        self.needsComma = true
        self.buffer.writeInteger(UInt8(ascii: "\""))
        self.buffer.writeStaticString(name)
        self.buffer.writeStaticString("\":")
    }

    private mutating func value(_ text: String?) {
        guard let text else {
            self.buffer.writeStaticString("null")
            return
        }
        self.buffer.writeInteger(UInt8(ascii: "\""))
        self.buffer.writeJSONEscaped(text)
        self.buffer.writeInteger(UInt8(ascii: "\""))
    }
}

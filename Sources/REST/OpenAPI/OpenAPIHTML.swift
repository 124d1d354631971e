import Foundation
import HTTPTypes

/// The API reference as one self-contained HTML page, rendered from the same ``OpenAPIDocument`` as
/// `/openapi.json`: operations grouped by tag, each with its parameters, body fields and answers,
/// then the schemas. No scripts and no outside resources, so it works on a loopback-only machine;
/// every piece of text goes through ``escape(_:)``.
struct OpenAPIHTML {
    let document: OpenAPIDocument

    func render() -> String {
        var html = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(self.document.title)) API \(Self.escape(self.document.apiVersion))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header><h1>\(Self.escape(self.document.title)) API <small>\(Self.escape(self.document.apiVersion))</small></h1>
            <p>OpenAPI \(OpenAPIDocument.version) document: <a href="/openapi.json">/openapi.json</a></p></header>

            """
        html += self.contents()
        html += "<main>\n<section class=\"intro\">\(Self.prose(self.document.details))</section>\n"
        for tag in self.document.tags {
            let operations = self.document.operations.filter { $0.tag == tag.name }
            guard !operations.isEmpty else { continue }
            html += "<section id=\"tag-\(Self.escape(tag.name))\">\n<h2>\(Self.escape(tag.name))</h2>\n"
            html += "<p>\(Self.inline(tag.summary))</p>\n"
            for operation in operations { html += self.render(operation) }
            html += "</section>\n"
        }
        html += "<section id=\"headers\">\n<h2>Response headers</h2>\n<table>\n"
        html += "<tr><th>Header</th><th>Meaning</th></tr>\n"
        for header in self.document.headers {
            html += "<tr id=\"header-\(Self.escape(header.name))\"><td><code>\(Self.escape(header.name))</code></td>"
            html += "<td>\(Self.inline(header.summary))</td></tr>\n"
        }
        html += "</table>\n</section>\n"
        html += "<section id=\"schemas\">\n<h2>Schemas</h2>\n"
        for (name, schema) in self.document.schemas {
            html += "<article id=\"schema-\(Self.escape(name))\">\n<h3>\(Self.escape(name))</h3>\n"
            html += self.describe(schema)
            html += "</article>\n"
        }
        html += "</section>\n</main>\n</body>\n</html>\n"
        return html
    }

    private func contents() -> String {
        var html = "<nav>\n<h2>Contents</h2>\n<ul>\n"
        for tag in self.document.tags {
            let operations = self.document.operations.filter { $0.tag == tag.name }
            guard !operations.isEmpty else { continue }
            html += "<li><a href=\"#tag-\(Self.escape(tag.name))\">\(Self.escape(tag.name))</a>\n<ul>\n"
            for operation in operations {
                html += "<li><a href=\"#op-\(Self.escape(operation.id))\"><code>\(operation.method.rawValue)"
                html += " \(Self.escape(operation.path))</code></a> \(Self.escape(operation.summary))</li>\n"
            }
            html += "</ul></li>\n"
        }
        html += "<li><a href=\"#headers\">Response headers</a></li>\n"
        return html + "<li><a href=\"#schemas\">Schemas</a></li>\n</ul>\n</nav>\n"
    }

    private func render(_ operation: OpenAPIOperation) -> String {
        let method = operation.method.rawValue
        var html = "<article class=\"operation\" id=\"op-\(Self.escape(operation.id))\">\n"
        html += "<h3><span class=\"method \(method.lowercased())\">\(method)</span> "
        html += "<code>\(Self.escape(operation.path))</code></h3>\n"
        html += "<p class=\"summary\">\(Self.escape(operation.summary))</p>\n"
        html += "<p>\(Self.inline(operation.details))</p>\n"
        let access =
            switch operation.access {
            case .open: "Open: no API key needed."
            case .agent: "Needs an API key (agent or admin)."
            case .admin: "Needs an <strong>admin</strong> API key; an agent key gets 403."
            }
        html += "<p class=\"access \(operation.access.rawValue)\">\(access)</p>\n"
        if !operation.parameters.isEmpty {
            html += "<h4>Parameters</h4>\n<table>\n"
            html += "<tr><th>Name</th><th>In</th><th>Type</th><th>Required</th><th>Description</th></tr>\n"
            for parameter in operation.parameters {
                html += "<tr><td><code>\(Self.escape(parameter.name))</code></td>"
                html += "<td>\(parameter.location.rawValue)</td><td>\(self.typeHTML(parameter.schema))</td>"
                html += "<td>\(parameter.required || parameter.location == .path ? "yes" : "no")</td>"
                var text = Self.inline(parameter.summary)
                if parameter.isCommaSeparated { text += " Comma-separated." }
                let constraints = self.constraints(parameter.schema)
                if !constraints.isEmpty { text += " <span class=\"limits\">\(constraints)</span>" }
                html += "<td>\(text)</td></tr>\n"
            }
            html += "</table>\n"
        }
        if let body = operation.requestBody {
            html += "<h4>Request body</h4>\n<p><code>application/json</code>: \(self.typeHTML(body))</p>\n"
            html += self.describe(self.resolve(body))
        }
        html += "<h4>Responses</h4>\n<table>\n<tr><th>Status</th><th>Meaning</th><th>Body</th><th>Headers</th></tr>\n"
        for response in operation.responses {
            let reason = HTTPResponse.Status(code: response.status).reasonPhrase
            html += "<tr><td><code>\(response.status)</code> \(Self.escape(reason))</td>"
            html += "<td>\(Self.inline(response.summary))</td><td>"
            html += response.content.map { "<code>\(Self.escape($0.mediaType))</code> \(self.typeHTML($0.schema))" }
                .joined(separator: "<br>")
            html += "</td><td>"
            html += response.headers.map {
                "<a href=\"#header-\(Self.escape($0.name))\"><code>\(Self.escape($0.name))</code></a>"
            }.joined(separator: ", ")
            html += "</td></tr>\n"
        }
        return html + "</table>\n</article>\n"
    }

    /// A schema's description and, for an object, the table of its fields.
    private func describe(_ schema: OpenAPISchema) -> String {
        var html = ""
        if let summary = schema.summary { html += "<p>\(Self.inline(summary))</p>\n" }
        if schema.additionalProperties == false {
            html += "<p class=\"limits\">Other fields are refused (400).</p>\n"
        }
        guard !schema.properties.isEmpty else {
            if schema.reference == nil && !schema.types.contains("object") {
                html += "<p>\(self.typeHTML(schema)) \(self.constraints(schema))</p>\n"
            }
            return html
        }
        html += "<table>\n<tr><th>Field</th><th>Type</th><th>Required</th><th>Description</th></tr>\n"
        for (name, property) in schema.properties {
            var text = property.summary.map(Self.inline) ?? ""
            let constraints = self.constraints(property)
            if !constraints.isEmpty { text += " <span class=\"limits\">\(constraints)</span>" }
            html += "<tr><td><code>\(Self.escape(name))</code></td><td>\(self.typeHTML(property))</td>"
            html += "<td>\(schema.required.contains(name) ? "yes" : "no")</td><td>\(text)</td></tr>\n"
        }
        return html + "</table>\n"
    }

    private func resolve(_ schema: OpenAPISchema) -> OpenAPISchema {
        guard let name = schema.reference, let target = self.document.schema(named: name) else { return schema }
        return target
    }

    /// The type, with references linked to their schema.
    private func typeHTML(_ schema: OpenAPISchema) -> String {
        if let name = schema.reference {
            return "<a href=\"#schema-\(Self.escape(name))\">\(Self.escape(name))</a>"
        }
        if let items = schema.items, schema.types.contains("array") {
            return "array of " + self.typeHTML(items) + (schema.isNullable ? " or null" : "")
        }
        return Self.escape(schema.typeName)
    }

    /// The limits a value must keep, in words: lengths, choices, patterns, ranges, defaults.
    private func constraints(_ schema: OpenAPISchema) -> String {
        var parts: [String] = []
        switch (schema.minLength, schema.maxLength) {
        case (let min?, let max?): parts.append("\(min) to \(max) characters")
        case (nil, let max?): parts.append("at most \(max) characters")
        case (let min?, nil): parts.append("at least \(min) characters")
        case (nil, nil): break
        }
        if let choices = schema.choices {
            parts.append("one of " + choices.map { "<code>\(Self.escape($0))</code>" }.joined(separator: ", "))
        }
        if let summary = schema.patternSummary {
            parts.append(Self.inline(summary))
        } else if let pattern = schema.pattern {
            parts.append("matches <code>\(Self.escape(pattern))</code>")
        }
        switch (schema.minimum, schema.maximum) {
        case (let min?, let max?): parts.append("\(min) to \(max)")
        case (let min?, nil): parts.append("at least \(min)")
        case (nil, let max?): parts.append("at most \(max)")
        case (nil, nil): break
        }
        if let maxItems = schema.maxItems { parts.append("at most \(maxItems) items") }
        if let items = schema.items {
            let inner = self.constraints(items)
            if !inner.isEmpty { parts.append("each item: " + inner) }
        }
        if let value = schema.defaultValue { parts.append("default <code>\(Self.escape(Self.literal(value)))</code>") }
        return parts.joined(separator: "; ")
    }

    private static func literal(_ value: OpenAPIJSON) -> String {
        switch value {
        case .null: "null"
        case .bool(let bool): bool ? "true" : "false"
        case .int(let int): String(int)
        case .string(let string): string
        case .array, .object: String(decoding: value.serialized(), as: UTF8.self)
        }
    }

    /// Paragraphs of the descriptions' small Markdown subset: `code` and **strong**.
    static func prose(_ text: String) -> String {
        text.components(separatedBy: "\n\n").map { "<p>\(Self.inline($0))</p>" }.joined(separator: "\n")
    }

    /// Escaped text with `code` spans and **strong** spans. Escaping comes first and never makes a
    /// backtick or an asterisk, so markup in the text stays text.
    static func inline(_ text: String) -> String {
        var html = Self.escape(text)
        html = Self.replacePairs(of: "`", in: html, open: "<code>", close: "</code>")
        html = Self.replacePairs(of: "**", in: html, open: "<strong>", close: "</strong>")
        return html
    }

    private static func replacePairs(of marker: String, in text: String, open: String, close: String) -> String {
        let pieces = text.components(separatedBy: marker)
        guard pieces.count >= 3 else { return text }
        var output = pieces[0]
        for index in 1..<pieces.count {
            // An unpaired last marker stays as it was.
            if index == pieces.count - 1 && index % 2 == 1 {
                output += marker + pieces[index]
            } else {
                output += (index % 2 == 1 ? open : close) + pieces[index]
            }
        }
        return output
    }

    /// Text made safe for element content and quoted attribute values.
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }

    private static let style = """
        body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:0 1rem 4rem;color:#1b1b1b}
        code{font:13px ui-monospace,monospace;background:#f3f3f3;padding:0 .2em;border-radius:3px}
        table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
        th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
        th{background:#fafafa}
        .operation{border-top:1px solid #ccc;padding-top:.5rem;margin-top:1.5rem}
        .method{display:inline-block;min-width:4.5em;text-align:center;color:#fff;border-radius:3px;font-size:.8em}
        .get{background:#2f6f9f}.post{background:#3a873a}.patch{background:#a06a00}.delete{background:#a33}
        .summary{font-weight:600}.limits{color:#555}.access.admin{color:#a33}
        nav ul{padding-left:1.2rem}
        """
}

import Testing

@testable import REST

/// The page's text handling: everything escaped, then only the descriptions' `code` and **strong**
/// spans become markup.
@Suite struct OpenAPIHTMLTests {
    @Test func escapesBeforeMarkingUp() {
        #expect(OpenAPIHTML.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(OpenAPIHTML.inline("send `<b>` **now**") == "send <code>&lt;b&gt;</code> <strong>now</strong>")
        #expect(OpenAPIHTML.inline("a lone ` stays") == "a lone ` stays")
        #expect(OpenAPIHTML.inline("`a` and `b") == "<code>a</code> and `b")
        #expect(OpenAPIHTML.prose("one\n\ntwo") == "<p>one</p>\n<p>two</p>")
    }

    @Test func renderingIsDeterministic() {
        let document = SwitchboardAPI.document()
        let html = OpenAPIHTML(document: document).render()
        #expect(html == OpenAPIHTML(document: document).render(), "rendering is deterministic")
        #expect(String(decoding: document.json.serialized(), as: UTF8.self).hasPrefix("{\n  \"openapi\": \"3.1.0\""))
    }
}

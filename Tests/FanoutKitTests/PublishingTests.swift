import Testing
@testable import FanoutKit

/// What `publish` builds before anything is sent.
@Suite struct PublishingTests {
    @Test func messagesAreNumberedAcrossTemplates() throws {
        let messages = try PublishRequest.messages(templates: ["a{{seq}}", "b{{seq}}"], count: 2, subject: "s",
                                                   groupId: "g-{{seq}}", deduplicationId: "d-{{seq}}")
        #expect(messages.map(\.id) == ["1", "2", "3", "4"])
        #expect(messages.map(\.message) == ["a1", "a2", "b3", "b4"])
        #expect(messages.map(\.messageGroupId) == ["g-1", "g-2", "g-3", "g-4"])
        #expect(messages.map(\.messageDeduplicationId) == ["d-1", "d-2", "d-3", "d-4"])
        #expect(messages.allSatisfy { $0.subject == "s" })
    }

    @Test func anOversizeMessageFailsBeforeSending() {
        let error = #expect(throws: FanoutError.self) {
            try PublishRequest.messages(templates: [String(repeating: "x", count: Publishing.maxBytes + 1)], count: 1)
        }
        #expect(error?.kind == .usage)
        #expect(error?.subject == .input("message"))
        #expect(error?.message == "Message 1 is 262145 bytes with its attributes; SNS accepts at most 262144 (256 KiB)")
    }

    @Test(arguments: ["x", "n:Number=abc", "=v", "a:Binary=1", "AWS.x=1", "a="])
    func attributeErrorsNameTheirSubjectNotAFlag(_ text: String) {
        let error = #expect(throws: FanoutError.self) { try Publishing.attribute(text) }
        #expect(error?.subject == .input("attribute"))
        #expect(error?.message.contains("--") == false)
    }

    @Test func attributesParse() throws {
        let (name, value) = try Publishing.attribute("amount:Number=42")
        #expect(name == "amount" && value == MessageAttributeValue(dataType: "Number", stringValue: "42"))
    }

    @Test func failuresReadAsBefore() {
        #expect(PublishFailure(id: "3", code: "InvalidParameter", message: "bad").description == "message 3: InvalidParameter bad")
    }
}

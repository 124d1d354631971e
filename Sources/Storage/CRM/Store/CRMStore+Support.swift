import Core

/// `POST /v1/support/requests`: a contact from email, chat or phone.
public struct SupportRequest: Sendable, Hashable {
    public var channel: Channel
    public var name: String
    public var email: String?
    public var phone: String?
    public var subject: String
    public var message: String

    public init(channel: Channel, name: String, email: String?, phone: String?, subject: String, message: String) {
        self.channel = channel
        self.name = name
        self.email = email
        self.phone = phone
        self.subject = subject
        self.message = message
    }
}

public struct SupportIntake: Sendable, Hashable {
    public var customer: Customer
    public var customerCreated: Bool
    /// The new ticket (version 1, its first message included).
    public var ticket: Ticket
    public var message: Message
}

extension CRMStore {
    /// Finds or creates the customer, then creates the ticket and its first message, in one transaction.
    public func submitSupportRequest(_ request: SupportRequest, by actor: AuditActor) async throws -> SupportIntake {
        try await self.write(by: actor) { transaction in
            let (customer, created) = try transaction.findOrCreateCustomer(
                name: request.name, email: request.email, phone: request.phone)
            var draft = TicketDraft(subject: request.subject, channel: request.channel, customerID: customer.id)
            draft.tags = [request.channel.rawValue]
            let ticket = try transaction.createTicket(draft)
            let (message, touched) = try transaction.createMessage(
                ticketID: ticket.id, MessageDraft(authorType: .customer, authorID: customer.id, body: request.message),
                touch: false)
            return SupportIntake(customer: customer, customerCreated: created, ticket: touched, message: message)
        }
    }
}

import HTTPTypes

extension SwitchboardAPI {
    static var customerOperations: [OpenAPIOperation] {
        let id = Parameter.id("cus", "customer")
        let notFound = Answer.problem(404, "No customer has this id.")
        return [
            keyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/customers", id: "listCustomers", tag: "Customers",
                    summary: "List customers", details: "Newest first by default.",
                    parameters: [
                        Parameter.query(
                            "q", .string(maxLength: 200), "Case-insensitive text in the name, email or phone number."),
                        Parameter.query(
                            "email", .string(maxLength: CRMRoutes.emailLimit), "The customer with this email."),
                        Parameter.createdSort(),
                    ] + Parameter.page,
                    responses: [Answer.page("CustomerPage", "A page of customers."), Answer.badQuery])),
            keyed(
                OpenAPIOperation(
                    method: .post, path: "/v1/customers", id: "createCustomer", tag: "Customers",
                    summary: "Create a customer", details: "Needs an email, a phone number or both.",
                    requestBody: .ref("CustomerCreate"),
                    responses: [
                        Answer.json(
                            201, "Customer", "The new customer, at version 1.", headers: [Header.eTag, Header.location]
                        ),
                        Answer.badBody,
                        Answer.problem(
                            409, "Another customer has this email or phone number; or " + Answer.idempotencyInProgress),
                        Answer.tooLarge, Answer.unsupported,
                        Answer.problem(422, Answer.idempotencyMismatch),
                    ])),
            keyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/customers/{id}", id: "getCustomer", tag: "Customers",
                    summary: "Get a customer", details: "The `ETag` is for `If-Match` on a later `PATCH`.",
                    parameters: [id],
                    responses: [Answer.json(200, "Customer", "The customer.", headers: [Header.eTag]), notFound])),
            keyed(
                OpenAPIOperation(
                    method: .patch, path: "/v1/customers/{id}", id: "updateCustomer", tag: "Customers",
                    summary: "Change a customer",
                    details: "Changes the fields sent; the version goes up only when something changed.",
                    parameters: [
                        id,
                        Parameter.ifMatch(
                            required: false, "Change only if the customer is at this version (recommended)."),
                    ],
                    requestBody: .ref("CustomerUpdate"),
                    responses: [
                        Answer.json(200, "Customer", "The customer as it is now.", headers: [Header.eTag]),
                        Answer.problem(
                            400, "The body is invalid (`errors` names each field), or `If-Match` is malformed."),
                        notFound,
                        Answer.problem(409, "Another customer has this email or phone number."),
                        Answer.problem(412, "The customer changed since that version; `ETag` has the current one."),
                        Answer.tooLarge, Answer.unsupported,
                        Answer.problem(422, "The change would leave the customer with neither email nor phone."),
                    ])),
        ]
    }

    static var agentOperations: [OpenAPIOperation] {
        let id = Parameter.id("agt", "agent")
        let notFound = Answer.problem(404, "No agent has this id.")
        return [
            keyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/agents", id: "listAgents", tag: "Agents", summary: "List agents",
                    details: "Any key may read agents. Newest first by default.",
                    parameters: [
                        Parameter.query("q", .string(maxLength: 200), "Case-insensitive text in the name or email."),
                        Parameter.query("active", .boolean(), "Only active (`true`) or inactive (`false`) agents."),
                        Parameter.createdSort(),
                    ] + Parameter.page,
                    responses: [Answer.page("AgentPage", "A page of agents."), Answer.badQuery])),
            keyed(
                OpenAPIOperation(
                    method: .post, path: "/v1/agents", id: "createAgent", tag: "Agents", summary: "Create an agent",
                    details: "Admin keys only.", access: .admin,
                    requestBody: .ref("AgentCreate"),
                    responses: [
                        Answer.json(
                            201, "Agent", "The new agent, active, at version 1.",
                            headers: [Header.eTag, Header.location]),
                        Answer.badBody,
                        Answer.problem(409, "Another agent has this email; or " + Answer.idempotencyInProgress),
                        Answer.tooLarge, Answer.unsupported,
                        Answer.problem(422, Answer.idempotencyMismatch),
                    ])),
            keyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/agents/{id}", id: "getAgent", tag: "Agents", summary: "Get an agent",
                    details: "The `ETag` is for `If-Match` on a later `PATCH`.",
                    parameters: [id],
                    responses: [Answer.json(200, "Agent", "The agent.", headers: [Header.eTag]), notFound])),
            keyed(
                OpenAPIOperation(
                    method: .patch, path: "/v1/agents/{id}", id: "updateAgent", tag: "Agents",
                    summary: "Change an agent",
                    details: "Admin keys only. `active: false` keeps the agent from new assignments.",
                    access: .admin,
                    parameters: [
                        id,
                        Parameter.ifMatch(
                            required: false, "Change only if the agent is at this version (recommended)."),
                    ],
                    requestBody: .ref("AgentUpdate"),
                    responses: [
                        Answer.json(200, "Agent", "The agent as it is now.", headers: [Header.eTag]),
                        Answer.problem(
                            400, "The body is invalid (`errors` names each field), or `If-Match` is malformed."),
                        notFound,
                        Answer.problem(409, "Another agent has this email."),
                        Answer.problem(412, "The agent changed since that version; `ETag` has the current one."),
                        Answer.tooLarge, Answer.unsupported,
                    ])),
        ]
    }
}

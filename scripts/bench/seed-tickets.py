"""Seeds tickets through the API for the CRM benchmark: COUNT tickets over 500 customers, with
statuses, priorities and channels spread evenly; writes the ticket ids to IDS_FILE."""
import http.client
import json
import sys

port, key, count, ids_file = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
connection = http.client.HTTPConnection("127.0.0.1", port)
headers = {"X-API-Key": key, "Content-Type": "application/json"}


def post(path, body):
    connection.request("POST", path, json.dumps(body), headers)
    response = connection.getresponse()
    data = response.read()
    if response.status != 201:
        sys.exit(f"POST {path}: {response.status} {data[:200]!r}")
    return json.loads(data)


customers = [post("/v1/customers", {"name": f"Customer {i}", "email": f"c{i}@example.com"})["id"] for i in range(500)]
statuses, priorities, channels = ["open", "pending", "solved", "closed"], ["low", "normal", "high", "urgent"], [
    "email", "chat", "phone"]
with open(ids_file, "w") as out:
    for i in range(count):
        ticket = post("/v1/tickets", {
            "subject": f"Ticket {i}: printer trouble", "channel": channels[i % 3],
            "customer_id": customers[i % len(customers)], "status": statuses[i % 4],
            "priority": priorities[(i // 4) % 4], "tags": [f"t{i % 10}"]})
        out.write(ticket["id"] + "\n")
print(f"seeded {count} tickets", file=sys.stderr)

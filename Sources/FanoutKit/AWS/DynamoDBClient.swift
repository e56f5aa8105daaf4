/// One page of a Scan.
public struct ScanPage: Sendable {
    public var items: [JSONValue]
    public var lastEvaluatedKey: JSONValue?
    public var scannedCount: Int
}

/// Amazon DynamoDB over the JSON 1.0 protocol. Items stay in DynamoDB's attribute-value JSON (`{"S": "…"}`).
public struct DynamoDBClient: Sendable {
    public let client: AWSClient

    public init(_ client: AWSClient) { self.client = client }

    func call(_ action: String, _ members: [(String, JSONValue)]) async throws -> JSONValue {
        try await client.json(targetPrefix: "DynamoDB_20120810", action: action, .object(members))
    }

    /// Creates an on-demand table with a hash key and an optional range key, all string-typed.
    public func createTable(_ name: String, hashKey: String, rangeKey: String?) async throws {
        var definitions: [JSONValue] = [["AttributeName": .string(hashKey), "AttributeType": "S"]]
        var schema: [JSONValue] = [["AttributeName": .string(hashKey), "KeyType": "HASH"]]
        if let rangeKey {
            definitions.append(["AttributeName": .string(rangeKey), "AttributeType": "S"])
            schema.append(["AttributeName": .string(rangeKey), "KeyType": "RANGE"])
        }
        _ = try await call("CreateTable", [("TableName", .string(name)), ("AttributeDefinitions", .array(definitions)),
                                           ("KeySchema", .array(schema)), ("BillingMode", "PAY_PER_REQUEST")])
    }

    /// DescribeTable's `Table` object.
    public func describeTable(_ name: String) async throws -> JSONValue {
        let out = try await call("DescribeTable", [("TableName", .string(name))])
        guard let table = out["Table"], table.object != nil else { throw DecodeContext(client.service, "DescribeTable").missing("Table") }
        return table
    }

    public func deleteTable(_ name: String) async throws {
        _ = try await call("DeleteTable", [("TableName", .string(name))])
    }

    /// PutItem, optionally conditional. Returns false when the condition failed (the item was not written).
    @discardableResult
    public func putItem(_ table: String, item: JSONValue, condition: String? = nil) async throws -> Bool {
        var members: [(String, JSONValue)] = [("TableName", .string(table)), ("Item", item)]
        if let condition { members.append(("ConditionExpression", .string(condition))) }
        do {
            _ = try await call("PutItem", members)
            return true
        } catch let error as AWSServiceError where error.code == "ConditionalCheckFailedException" {
            return false
        }
    }

    public func scan(_ table: String, filter: String? = nil, values: JSONValue? = nil, names: JSONValue? = nil,
                     startKey: JSONValue? = nil, limit: Int? = nil) async throws -> ScanPage
    {
        var members: [(String, JSONValue)] = [("TableName", .string(table))]
        if let filter { members.append(("FilterExpression", .string(filter))) }
        if let values { members.append(("ExpressionAttributeValues", values)) }
        if let names { members.append(("ExpressionAttributeNames", names)) }
        if let startKey { members.append(("ExclusiveStartKey", startKey)) }
        if let limit { members.append(("Limit", .number(Double(limit)))) }
        return try Self.decodeScan(try await call("Scan", members), DecodeContext(client.service, "Scan"))
    }

    /// A Scan answer: `Items` and `ScannedCount` are always there; `LastEvaluatedKey` only when more pages follow.
    static func decodeScan(_ out: JSONValue, _ context: DecodeContext) throws -> ScanPage {
        guard let items = out["Items"] else { throw context.missing("Items") }
        guard let list = items.array else { throw context.invalid("Items", "is a \(items.typeName), not a list") }
        let key = out["LastEvaluatedKey"]
        return ScanPage(items: list, lastEvaluatedKey: (key?.object?.isEmpty ?? true) ? nil : key,
                        scannedCount: try out.requiredInt("ScannedCount", context))
    }
}

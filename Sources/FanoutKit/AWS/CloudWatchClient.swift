/// A metric alarm as DescribeAlarms reports it.
public struct MetricAlarm: Sendable, Equatable {
    public var name: String
    public var arn: String
    public var state: String
    public var reason: String
    public var updated: String
    public var metricName: String
    public var namespace: String
    public var statistic: String
    public var dimensions: [String: String]
    public var period: Int
    public var evaluationPeriods: Int
    public var threshold: Double
    public var comparisonOperator: String
}

/// The definition of an alarm to create or update.
public struct MetricAlarmDefinition: Sendable {
    public var name: String
    public var description: String
    public var namespace: String
    public var metricName: String
    public var statistic: String
    public var dimensions: [(String, String)]
    public var period: Int
    public var evaluationPeriods: Int
    public var threshold: Double
    public var comparisonOperator: String
    public var treatMissingData: String

    public init(name: String, description: String, namespace: String, metricName: String, statistic: String = "Maximum",
                dimensions: [(String, String)], period: Int = 60, evaluationPeriods: Int = 1, threshold: Double = 0,
                comparisonOperator: String = "GreaterThanThreshold", treatMissingData: String = "notBreaching")
    {
        self.name = name
        self.description = description
        self.namespace = namespace
        self.metricName = metricName
        self.statistic = statistic
        self.dimensions = dimensions
        self.period = period
        self.evaluationPeriods = evaluationPeriods
        self.threshold = threshold
        self.comparisonOperator = comparisonOperator
        self.treatMissingData = treatMissingData
    }
}

/// Amazon CloudWatch over the query protocol (the AWS CLI's protocol for it).
public struct CloudWatchClient: Sendable {
    public let client: AWSClient
    static let version = "2010-08-01"

    public init(_ client: AWSClient) { self.client = client }

    public func putMetricAlarm(_ alarm: MetricAlarmDefinition) async throws {
        var params = [
            ("AlarmName", alarm.name), ("AlarmDescription", alarm.description), ("Namespace", alarm.namespace),
            ("MetricName", alarm.metricName), ("Statistic", alarm.statistic), ("Period", String(alarm.period)),
            ("EvaluationPeriods", String(alarm.evaluationPeriods)), ("Threshold", JSONValue.format(alarm.threshold)),
            ("ComparisonOperator", alarm.comparisonOperator), ("TreatMissingData", alarm.treatMissingData),
        ]
        for (i, d) in alarm.dimensions.enumerated() {
            params.append(("Dimensions.member.\(i + 1).Name", d.0))
            params.append(("Dimensions.member.\(i + 1).Value", d.1))
        }
        _ = try await client.query(action: "PutMetricAlarm", version: Self.version, params)
    }

    /// Alarms by name prefix or by exact names, following NextToken.
    public func describeAlarms(prefix: String? = nil, names: [String] = []) async throws -> [MetricAlarm] {
        var alarms: [MetricAlarm] = []
        var token: String?
        repeat {
            var params: [(String, String)] = []
            if let prefix { params.append(("AlarmNamePrefix", prefix)) }
            for (i, n) in names.enumerated() { params.append(("AlarmNames.member.\(i + 1)", n)) }
            if let token { params.append(("NextToken", token)) }
            let xml = try await client.query(action: "DescribeAlarms", version: Self.version, params)
            alarms += try Self.decodeAlarms(xml, DecodeContext(client.service, "DescribeAlarms"))
            token = xml.find("NextToken")?.text
            if token?.isEmpty == true { token = nil }
        } while token != nil
        return alarms
    }

    /// DescribeAlarms' `MetricAlarms`. Name, ARN, state, evaluation periods and comparison are required (every
    /// alarm has them); the metric fields are absent for metric-math alarms and then stay empty or 0.
    static func decodeAlarms(_ xml: XMLNode, _ context: DecodeContext) throws -> [MetricAlarm] {
        try (xml.find("MetricAlarms")?.children("member") ?? []).enumerated().map { i, m in
            let path = "MetricAlarms.member[\(i)]"
            var dims: [String: String] = [:]
            for (j, d) in (m.child("Dimensions")?.children("member") ?? []).enumerated() {
                dims[try d.requiredText("Name", context, at: "\(path).Dimensions.member[\(j)]")] = d.text("Value") ?? ""
            }
            guard let evaluationPeriods = try m.optionalInt("EvaluationPeriods", context, at: path) else {
                throw context.missing("\(path).EvaluationPeriods")
            }
            return MetricAlarm(
                name: try m.requiredText("AlarmName", context, at: path), arn: try m.requiredText("AlarmArn", context, at: path),
                state: try m.requiredText("StateValue", context, at: path), reason: m.text("StateReason") ?? "",
                updated: m.text("StateUpdatedTimestamp") ?? "", metricName: m.text("MetricName") ?? "", namespace: m.text("Namespace") ?? "",
                statistic: m.text("Statistic") ?? "", dimensions: dims, period: try m.optionalInt("Period", context, at: path) ?? 0,
                evaluationPeriods: evaluationPeriods, threshold: try m.optionalDouble("Threshold", context, at: path) ?? 0,
                comparisonOperator: try m.requiredText("ComparisonOperator", context, at: path))
        }
    }

    public func deleteAlarms(_ names: [String]) async throws {
        guard !names.isEmpty else { return }
        let params = names.enumerated().map { ("AlarmNames.member.\($0.offset + 1)", $0.element) }
        _ = try await client.query(action: "DeleteAlarms", version: Self.version, params)
    }
}

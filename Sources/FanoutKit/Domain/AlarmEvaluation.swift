/// Evaluates an alarm whose metric is an SQS queue attribute from the queue's current attributes, with the alarm's
/// own threshold and comparison. CloudWatch's SQS metrics lag by minutes and moto never evaluates alarms: this is
/// the verdict "now". It never sets alarm state.
public enum AlarmEvaluation {
    /// CloudWatch AWS/SQS metric → the GetQueueAttributes attribute that carries the same number.
    public static let queueAttributeForMetric = [
        "ApproximateNumberOfMessagesVisible": "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible": "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed": "ApproximateNumberOfMessagesDelayed",
    ]

    /// The live value and verdict ("ALARM" or "OK"), or nil when the metric is not a queue attribute.
    public static func evaluate(_ alarm: MetricAlarm, sqs: SQSClient) async throws -> (value: Double, state: String)? {
        guard alarm.namespace == "AWS/SQS", let attribute = queueAttributeForMetric[alarm.metricName],
              let queueName = alarm.dimensions["QueueName"] else { return nil }
        let url = try await sqs.getQueueUrl(queueName)
        let value = Double(try await sqs.getQueueAttributes(url, names: [attribute])[attribute] ?? "") ?? 0
        return (value, breaches(value, alarm.threshold, alarm.comparisonOperator) ? "ALARM" : "OK")
    }

    public static func breaches(_ value: Double, _ threshold: Double, _ comparison: String) -> Bool {
        switch comparison {
        case "GreaterThanThreshold": return value > threshold
        case "GreaterThanOrEqualToThreshold": return value >= threshold
        case "LessThanThreshold": return value < threshold
        case "LessThanOrEqualToThreshold": return value <= threshold
        default: return false
        }
    }
}

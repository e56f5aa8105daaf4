import Dispatch

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

/// An alarm with, when asked for, its live verdict from the queue's current attributes.
public struct AlarmStatus: Sendable, Equatable {
    public struct Live: Sendable, Equatable {
        public var value: Double
        public var state: String
    }

    public var alarm: MetricAlarm
    public var live: Live?

    public init(alarm: MetricAlarm, live: Live?) {
        self.alarm = alarm
        self.live = live
    }

    /// The state `--expect` and `--wait` judge: the live verdict when there is one and live evaluation is on.
    public func judged(live useLive: Bool) -> String { useLive ? (live?.state ?? alarm.state) : alarm.state }

    /// Which alarms to look at.
    public enum Selection: Sendable, Equatable {
        case prefix(String)
        case names([String])
    }

    /// The selected alarms sorted by name; with `live`, each evaluated concurrently from its queue.
    public static func fetch(cloudwatch: CloudWatchClient, sqs: SQSClient, _ selection: Selection, live: Bool) async throws -> [AlarmStatus] {
        var alarms: [MetricAlarm]
        switch selection {
        case .prefix(let prefix): alarms = try await cloudwatch.describeAlarms(prefix: prefix)
        case .names(let names): alarms = try await cloudwatch.describeAlarms(names: names)
        }
        alarms.sort { $0.name < $1.name }
        guard live else { return alarms.map { AlarmStatus(alarm: $0, live: nil) } }
        return try await withThrowingTaskGroup(of: (Int, AlarmStatus).self) { group in
            for (i, alarm) in alarms.enumerated() {
                group.addTask {
                    let verdict = try await AlarmEvaluation.evaluate(alarm, sqs: sqs)
                    return (i, AlarmStatus(alarm: alarm, live: verdict.map { Live(value: $0.value, state: $0.state) }))
                }
            }
            var rows = [AlarmStatus?](repeating: nil, count: alarms.count)
            for try await (i, row) in group { rows[i] = row }
            return rows.compactMap { $0 }
        }
    }

    /// One look while waiting for a state.
    public enum WaitEvent: Sendable, Equatable {
        /// Not every alarm is in the state yet; another look follows after the interval.
        case waiting([AlarmStatus])
        /// Every alarm (at least one) is in the state: the last event.
        case reached([AlarmStatus])
        /// The timeout would pass before the next look: the last event.
        case timedOut([AlarmStatus])
    }

    /// Looks every `interval` seconds until every selected alarm is judged `state`, or until the next look would
    /// come after `timeout` seconds.
    public static func wait(cloudwatch: CloudWatchClient, sqs: SQSClient, _ selection: Selection, live: Bool, for state: String,
                            timeout: Double, interval: Double) -> EventStream<WaitEvent>
    {
        EventStream { report in
            let started = DispatchTime.now().uptimeNanoseconds
            while true {
                let rows = try await fetch(cloudwatch: cloudwatch, sqs: sqs, selection, live: live)
                if !rows.isEmpty && rows.allSatisfy({ $0.judged(live: live) == state }) {
                    report(.reached(rows))
                    break
                }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                if elapsed + interval > timeout {
                    report(.timedOut(rows))
                    break
                }
                report(.waiting(rows))
                try await Task.sleep(for: .seconds(interval))
            }
        }
    }
}

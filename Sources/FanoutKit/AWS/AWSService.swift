/// An AWS service as fanout calls it: the id used in AWS_ENDPOINT_URL_<ID>, its signing name and
/// the prefix of its public endpoint.
public struct AWSService: Sendable, Equatable, Hashable {
    /// Upper-case id, as in AWS_ENDPOINT_URL_SQS.
    public let id: String
    /// The service name in the SigV4 credential scope.
    public let signingName: String
    /// The first label of the public endpoint host.
    public let endpointPrefix: String
    /// The key of this service in a config file's `[services x]` section.
    public let configKey: String

    public static let sqs = AWSService(id: "SQS", signingName: "sqs", endpointPrefix: "sqs", configKey: "sqs")
    public static let sns = AWSService(id: "SNS", signingName: "sns", endpointPrefix: "sns", configKey: "sns")
    public static let dynamodb = AWSService(id: "DYNAMODB", signingName: "dynamodb", endpointPrefix: "dynamodb", configKey: "dynamodb")
    public static let cloudwatch = AWSService(id: "CLOUDWATCH", signingName: "monitoring", endpointPrefix: "monitoring", configKey: "cloudwatch")
    public static let sts = AWSService(id: "STS", signingName: "sts", endpointPrefix: "sts", configKey: "sts")

    public static let all: [AWSService] = [.sns, .sqs, .dynamodb, .cloudwatch, .sts]
}

/// fanout's version, printed by `fanout version` and sent in the User-Agent.
public enum FanoutVersion {
    public static let string = "0.1.0"
    public static var userAgent: String { "fanout/\(string)" }
}

import Testing

@testable import FanoutKit

/// A message attribute as SNS carries it.
private func attr(_ name: String, _ value: String, _ type: String = "String") -> (name: String, value: MessageAttributeValue) {
    (name, MessageAttributeValue(dataType: type, stringValue: value))
}

/// Whether `policy` (MessageAttributes scope) lets a message with `attributes` through.
private func passes(_ policy: String, _ attributes: [(name: String, value: MessageAttributeValue)]) throws -> Bool {
    try FilterPolicy.parse(policy).evaluate(attributes: attributes, body: "ignored").matched
}

/// Whether `policy` (MessageBody scope) lets a message with `body` through.
private func passesBody(_ policy: String, _ body: String) throws -> Bool {
    try FilterPolicy.parse(policy, scope: .messageBody).evaluate(attributes: [], body: body).matched
}

/// The configuration error a policy is rejected with, or nil when it is accepted.
private func rejection(_ policy: String, scope: FilterPolicyScope = .messageAttributes) -> FanoutError? {
    do {
        _ = try FilterPolicy.parse(policy, scope: scope)
        return nil
    } catch let error as FanoutError {
        return error
    } catch {
        return FanoutError(.other, "unexpected \(error)")
    }
}

@Suite("SNS subscription filter policies")
struct FilterPolicyTests {
    // MARK: exact string matching (String value matching, "Exact matching")

    @Test(arguments: [
        ("rugby", true), ("tennis", true), ("baseball", false), ("Rugby", false), ("rugby ", false), ("", false),
    ])
    func exactStringMatchIsCaseSensitive(value: String, expected: Bool) throws {
        #expect(try passes(#"{"customer_interests": ["rugby", "tennis"]}"#, [attr("customer_interests", value)]) == expected)
    }

    @Test(arguments: [
        (#"["rugby", "tennis"]"#, true),
        (#"["rugby", "baseball"]"#, true),
        (#"["baseball"]"#, false),
        (#"[]"#, false),
        (#"["RUGBY"]"#, false),
    ])
    func stringArrayAttributeMatchesWhenAnyElementMatches(array: String, expected: Bool) throws {
        let message = [attr("customer_interests", array, "String.Array")]
        #expect(try passes(#"{"customer_interests": ["rugby", "tennis"]}"#, message) == expected)
    }

    @Test func stringArrayElementsKeepTheirJSONTypes() throws {
        let message = [attr("codes", #"[100, "200", true, null]"#, "String.Array")]
        #expect(try passes(#"{"codes": [100]}"#, message))
        #expect(try passes(#"{"codes": ["200"]}"#, message))
        #expect(try passes(#"{"codes": [true]}"#, message))
        #expect(try passes(#"{"codes": [null]}"#, message))
        #expect(try !passes(#"{"codes": ["100"]}"#, message))
        #expect(try !passes(#"{"codes": [200]}"#, message))
        #expect(try passes(#"{"codes": [{"numeric": [">", 99]}]}"#, message))
    }

    @Test func attributeTypesDecideHowValuesCompare() throws {
        // A policy number matches a Number attribute numerically; strings match strings only.
        #expect(try passes(#"{"n": [42]}"#, [attr("n", "42.0", "Number")]))
        #expect(try passes(#"{"n": [42]}"#, [attr("n", "4.2e1", "Number")]))
        #expect(try !passes(#"{"n": [42]}"#, [attr("n", "42", "String")]))
        #expect(try !passes(#"{"n": ["42"]}"#, [attr("n", "42", "Number")]))
        #expect(try passes(#"{"n": ["42"]}"#, [attr("n", "42", "String")]))
        // Custom type suffixes keep their base type.
        #expect(try passes(#"{"n": [{"numeric": [">", 1]}]}"#, [attr("n", "3", "Number.float")]))
        #expect(try passes(#"{"s": ["x"]}"#, [attr("s", "x", "String.custom")]))
        // Binary attributes are ignored: the key counts as missing.
        #expect(try !passes(#"{"b": [{"exists": true}]}"#, [attr("b", "", "Binary")]))
        #expect(try passes(#"{"b": [{"exists": false}]}"#, [attr("b", "", "Binary")]))
    }

    // MARK: numeric matching

    @Test(arguments: [
        (#"[">", 100]"#, "100", false),
        (#"[">", 100]"#, "100.5", true),
        (#"[">=", 100]"#, "100", true),
        (#"[">=", 100]"#, "99.99999", false),
        (#"["<", 0]"#, "-0.5", true),
        (#"["<", 0]"#, "0", false),
        (#"["<=", 150]"#, "150", true),
        (#"["=", 301.5]"#, "301.5", true),
        (#"["=", 301.5]"#, "3.015e2", true),
        (#"["=", 301.5]"#, "301.50001", false),
        (#"[">", 0, "<=", 5]"#, "0", false),
        (#"[">", 0, "<=", 5]"#, "0.00001", true),
        (#"[">", 0, "<=", 5]"#, "5", true),
        (#"[">", 0, "<=", 5]"#, "5.00001", false),
        (#"[">=", -10, "<", -1]"#, "-10", true),
        (#"[">=", -10, "<", -1]"#, "-1", false),
        (#"["<", 1000000000]"#, "999999999.99999", true),
    ])
    func numericComparisonsOnNumberAttributes(range: String, value: String, expected: Bool) throws {
        #expect(try passes(#"{"price": [{"numeric": \#(range)}]}"#, [attr("price", value, "Number")]) == expected)
    }

    @Test func numericMatchingUsesFiveDecimalPlacesAndTheBillionRange() throws {
        // Differences past the fifth decimal place are below SNS's precision.
        #expect(try passes(#"{"v": [{"numeric": ["=", 1]}]}"#, [attr("v", "1.000001", "Number")]))
        #expect(try !passes(#"{"v": [{"numeric": ["<", 100]}]}"#, [attr("v", "99.999999", "Number")]))
        #expect(try passes(#"{"v": [{"numeric": ["<", 100]}]}"#, [attr("v", "99.99998", "Number")]))
        // Values beyond ±10^9 never meet a numeric condition.
        #expect(try !passes(#"{"v": [{"numeric": [">", 0]}]}"#, [attr("v", "2e9", "Number")]))
        #expect(try !passes(#"{"v": [{"numeric": ["<", 0]}]}"#, [attr("v", "-1000000001", "Number")]))
        #expect(try passes(#"{"v": [{"numeric": [">=", 1000000000]}]}"#, [attr("v", "1e9", "Number")]))
    }

    @Test func numericConditionsOnlyMatchNumbers() throws {
        #expect(try !passes(#"{"v": [{"numeric": [">", 1]}]}"#, [attr("v", "42", "String")]))
        #expect(try !passesBody(#"{"v": [{"numeric": [">", 1]}]}"#, #"{"v": "42"}"#))
        #expect(try passesBody(#"{"v": [{"numeric": [">", 1]}]}"#, #"{"v": 42}"#))
        #expect(try !passes(#"{"v": [{"numeric": [">", 1]}]}"#, [attr("v", "not-a-number", "Number")]))
    }

    // MARK: key matching (exists)

    @Test func existsTrueNeedsTheKeyAndExistsFalseNeedsItAbsent() throws {
        let present = [attr("store", "99", "Number"), attr("def", "99", "Number")]
        let absent = [attr("def", "99", "Number")]
        #expect(try passes(#"{"store": [{"exists": true}]}"#, present))
        #expect(try !passes(#"{"store": [{"exists": true}]}"#, absent))
        #expect(try !passes(#"{"store": [{"exists": false}]}"#, present))
        #expect(try passes(#"{"store": [{"exists": false}]}"#, absent))
        #expect(try passes(#"{"store": [{"exists": true}]}"#, [attr("store", "[]", "String.Array")]))
        #expect(try passesBody(#"{"store": [{"exists": true}]}"#, #"{"store": "fans"}"#))
        #expect(try !passesBody(#"{"store": [{"exists": true}]}"#, #"{"customer_interests": ["baseball"]}"#))
        #expect(try passesBody(#"{"store": [{"exists": false}]}"#, #"{"customer_interests": ["baseball"]}"#))
        #expect(try !passesBody(#"{"store": [{"exists": false}]}"#, #"{"store": null}"#))
    }

    @Test(arguments: [
        #"{"k": ["x"]}"#, #"{"k": [42]}"#, #"{"k": [null]}"#, #"{"k": [{"anything-but": "x"}]}"#,
        #"{"k": [{"prefix": ""}]}"#, #"{"k": [{"suffix": "x"}]}"#, #"{"k": [{"equals-ignore-case": "x"}]}"#,
        #"{"k": [{"numeric": [">", 0]}]}"#, #"{"k": [{"cidr": "0.0.0.0/0"}]}"#, #"{"k": [{"exists": true}]}"#,
    ])
    func aMissingKeyFailsEveryConditionButExistsFalse(policy: String) throws {
        #expect(try !passes(policy, [attr("other", "x")]))
        #expect(try !passesBody(policy, #"{"other": "x"}"#))
    }

    // MARK: anything-but

    @Test(arguments: [
        (#""rugby""#, "baseball", "String", true),
        (#""rugby""#, "rugby", "String", false),
        (#"["rugby", "tennis"]"#, "football", "String", true),
        (#"["rugby", "tennis"]"#, "tennis", "String", false),
        (#"["rugby", "tennis"]"#, #"["rugby", "baseball"]"#, "String.Array", true),
        (#"["rugby", "tennis"]"#, #"["rugby", "tennis"]"#, "String.Array", false),
        (#"[100, 500]"#, "101", "Number", true),
        (#"[100, 500]"#, "100.1", "Number", true),
        (#"[100, 500]"#, "100", "Number", false),
        (#"[100, 500]"#, "1e2", "Number", false),
        (#"100"#, "100.000001", "Number", false),
        (#"{"prefix": "order-"}"#, "data-entry", "String", true),
        (#"{"prefix": "order-"}"#, "order_number", "String", true),
        (#"{"prefix": "order-"}"#, "order-cancelled", "String", false),
    ])
    func anythingBut(operand: String, value: String, type: String, expected: Bool) throws {
        let policy = #"{"k": [{"anything-but": \#(operand)}]}"#
        #expect(try passes(policy, [attr("k", value, type)]) == expected)
    }

    @Test func anythingButNeedsTheKeyUnlessCombinedWithExistsFalse() throws {
        #expect(try !passes(#"{"k": [{"anything-but": ["a"]}]}"#, []))
        #expect(try passes(#"{"k": [{"anything-but": ["a"]}, {"exists": false}]}"#, []))
        #expect(try passes(#"{"k": [{"anything-but": ["a"]}, {"exists": false}]}"#, [attr("k", "b")]))
        #expect(try !passes(#"{"k": [{"anything-but": ["a"]}, {"exists": false}]}"#, [attr("k", "a")]))
        // In a body, a JSON null is no value anything-but can accept; a number is not the string excluded.
        #expect(try !passesBody(#"{"k": [{"anything-but": "a"}]}"#, #"{"k": null}"#))
        #expect(try passesBody(#"{"k": [{"anything-but": "a"}]}"#, #"{"k": 5}"#))
        #expect(try !passesBody(#"{"k": [{"anything-but": {"prefix": "a"}}]}"#, #"{"k": 5}"#))
    }

    // MARK: prefix, suffix, equals-ignore-case

    @Test(arguments: [
        (#"{"prefix": "bas"}"#, "baseball", true),
        (#"{"prefix": "bas"}"#, "basketball", true),
        (#"{"prefix": "bas"}"#, "rugby", false),
        (#"{"prefix": "bas"}"#, "Baseball", false),
        (#"{"prefix": "bas"}"#, "ba", false),
        (#"{"suffix": "ball"}"#, "baseball", true),
        (#"{"suffix": "ball"}"#, "rugby", false),
        (#"{"suffix": "ball"}"#, "balls", false),
        (#"{"suffix": "ball"}"#, "BALL", false),
        (#"{"equals-ignore-case": "GiAnT"}"#, "giant", true),
        (#"{"equals-ignore-case": "GiAnT"}"#, "GIANT", true),
        (#"{"equals-ignore-case": "GiAnT"}"#, "giants", false),
        (#"{"equals-ignore-case": "GiAnT"}"#, "gnat", false),
    ])
    func stringOperators(condition: String, value: String, expected: Bool) throws {
        #expect(try passes(#"{"k": [\#(condition)]}"#, [attr("k", value)]) == expected)
        #expect(try passesBody(#"{"k": [\#(condition)]}"#, #"{"k": "\#(value)"}"#) == expected)
    }

    @Test func stringOperatorsIgnoreNumbers() throws {
        #expect(try !passes(#"{"k": [{"prefix": "1"}]}"#, [attr("k", "123", "Number")]))
        #expect(try !passesBody(#"{"k": [{"suffix": "3"}]}"#, #"{"k": 123}"#))
        #expect(try passes(#"{"k": [{"prefix": "1"}]}"#, [attr("k", "123", "String")]))
    }

    // MARK: cidr

    @Test(arguments: [
        ("10.0.0.0/24", "10.0.0.0", true),
        ("10.0.0.0/24", "10.0.0.255", true),
        ("10.0.0.0/24", "10.1.1.0", false),
        ("10.0.0.0/24", "10.0.1.0", false),
        ("10.0.0.0/8", "10.200.3.4", true),
        ("192.168.1.7/32", "192.168.1.7", true),
        ("192.168.1.7/32", "192.168.1.8", false),
        ("0.0.0.0/0", "203.0.113.9", true),
        ("10.0.0.0/25", "10.0.0.127", true),
        ("10.0.0.0/25", "10.0.0.128", false),
        ("172.16.0.0/12", "172.31.255.255", true),
        ("172.16.0.0/12", "172.32.0.0", false),
        ("10.0.0.1/24", "10.0.0.200", true),
        ("10.0.0.0/24", "not-an-ip", false),
        ("10.0.0.0/24", "10.0.0", false),
        ("10.0.0.0/24", "10.0.0.256", false),
        ("2001:db8::/32", "2001:db8::1", true),
        ("2001:db8::/32", "2001:0db8:ffff::abcd", true),
        ("2001:db8::/32", "2001:db9::1", false),
        ("2001:db8::/32", "10.0.0.1", false),
        ("10.0.0.0/8", "::ffff:10.0.0.1", false),
        ("::ffff:10.0.0.0/120", "::ffff:10.0.0.1", true),
    ])
    func cidrMatchesAddressesInTheNetwork(network: String, address: String, expected: Bool) throws {
        #expect(try passes(#"{"source_ip": [{"cidr": "\#(network)"}]}"#, [attr("source_ip", address)]) == expected)
    }

    // MARK: AND across keys, OR within a key

    @Test(arguments: [
        ("rugby", "150", true),
        ("rugby", "100", false),
        ("football", "150", false),
        ("football", "100", false),
    ])
    func keysAreAndedAndValuesOred(interest: String, price: String, expected: Bool) throws {
        let policy = #"{"customer_interests": ["rugby", "tennis"], "price_usd": [{"numeric": [">", 100]}]}"#
        let message = [attr("customer_interests", interest), attr("price_usd", price, "Number")]
        #expect(try passes(policy, message) == expected)
    }

    @Test func mixedConditionsInOneKeyAreOred() throws {
        let policy = #"{"k": ["exact", {"prefix": "pre-"}, {"numeric": ["=", 7]}, {"exists": false}]}"#
        #expect(try passes(policy, [attr("k", "exact")]))
        #expect(try passes(policy, [attr("k", "pre-x")]))
        #expect(try passes(policy, [attr("k", "7", "Number")]))
        #expect(try passes(policy, []))
        #expect(try !passes(policy, [attr("k", "other")]))
    }

    @Test func attributesNotInThePolicyAreIgnored() throws {
        let message = [attr("event_type", "order.created"), attr("noise", "x"), attr("n", "1", "Number")]
        #expect(try passes(#"{"event_type": ["order.created"]}"#, message))
    }

    // MARK: $or

    @Test func orOperatorBetweenKeys() throws {
        let policy = #"{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}]}"#
        #expect(try passes(policy, [attr("source", "aws.cloudwatch"), attr("metricName", "CPUUtilization")]))
        #expect(try passes(policy, [attr("source", "aws.cloudwatch"), attr("namespace", "AWS/EC2")]))
        #expect(try !passes(policy, [attr("source", "aws.cloudwatch"), attr("namespace", "AWS/ES")]))
        #expect(try !passes(policy, [attr("source", "aws.events"), attr("metricName", "CPUUtilization")]))
        #expect(try passesBody(policy, #"{"source": "aws.cloudwatch", "namespace": "AWS/EC2"}"#))
        #expect(try !passesBody(policy, #"{"source": "aws.cloudwatch"}"#))
    }

    @Test func nestedOrOperators() throws {
        let policy = """
            {"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]},
             {"metricType": ["MetricType"], "$or": [{"metricId": [1234, 4321]}, {"spaceId": [1000, 2000, 3000]}]}]}
            """
        let source = attr("source", "aws.cloudwatch")
        #expect(try passes(policy, [source, attr("metricName", "ReadLatency")]))
        #expect(try passes(policy, [source, attr("metricType", "MetricType"), attr("spaceId", "2000", "Number")]))
        #expect(try passes(policy, [source, attr("metricType", "MetricType"), attr("metricId", "4321", "Number")]))
        #expect(try !passes(policy, [source, attr("metricType", "MetricType"), attr("spaceId", "4000", "Number")]))
        #expect(try !passes(policy, [source, attr("spaceId", "2000", "Number")]))
    }

    @Test func orInsideANestedBodyPolicy() throws {
        let policy = """
            {"$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}],
             "detail": {"scope": ["Service"], "$or": [{"source": ["aws.cloudwatch"]}, {"type": ["CloudWatch Alarm State Change"]}]}}
            """
        #expect(try passesBody(policy, #"{"namespace": "AWS/EC2", "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"}}"#))
        #expect(try passesBody(policy, #"{"metricName": "CPUUtilization", "detail": {"scope": "Service", "source": "aws.cloudwatch"}}"#))
        #expect(try !passesBody(policy, #"{"metricName": "CPUUtilization", "detail": {"scope": "Service"}}"#))
        #expect(try !passesBody(policy, #"{"metricName": "CPUUtilization", "source": "aws.cloudwatch", "detail": {"scope": "Service"}}"#))
    }

    @Test func orNeedsAtLeastTwoObjectsOtherwiseItIsAnOrdinaryKey() throws {
        // One object: "$or" is a key whose condition is an unknown operator.
        #expect(rejection(#"{"$or": [{"a": ["x"]}]}"#)?.message.contains(#"unrecognized match type "a""#) == true)
        // Strings: "$or" is an attribute name like any other.
        #expect(try passes(#"{"$or": ["x", "y"]}"#, [attr("$or", "y")]))
        #expect(try !passes(#"{"$or": ["x", "y"]}"#, [attr("a", "x")]))
        // Objects keyed by operator names are conditions of a key named "$or", not branches.
        #expect(try passes(#"{"$or": [{"prefix": "ab"}, {"suffix": "yz"}]}"#, [attr("$or", "abc")]))
        #expect(rejection(#"{"$or": [{"numeric": 123}, {"prefix": "abc"}]}"#)?.message.contains("numeric match must be an array") == true)
    }

    // MARK: MessageBody scope

    @Test(arguments: [
        (#"{"object": {"key": "auto-test"}}"#, true),
        (#"{"object": {"key": "hardcodedvalue"}}"#, true),
        (#"{"object": {"key": "test-auto"}}"#, false),
        (#"{"object": {"key": "auto-test"}, "test": "just-exists"}"#, false),
        (#"{"object": {"key": "auto-test", "nested_key": "just-exists"}}"#, false),
        (#"{"object": {"test": "auto-test"}}"#, false),
        (#"{"test": "auto-test"}"#, false),
        (#""Regular string message""#, false),
        ("Regular string message", false),
        (#"[{"object": {"key": "auto-test"}}]"#, false),
    ])
    func nestedBodyPolicy(body: String, expected: Bool) throws {
        // AWS's example from "Introducing payload-based message filtering for Amazon SNS".
        let policy = #"{"object": {"key": [{"prefix": "auto-"}, "hardcodedvalue"], "nested_key": [{"exists": false}]}, "test": [{"exists": false}]}"#
        #expect(try passesBody(policy, body) == expected)
    }

    @Test func bodyArraysMatchWhenAnyElementDoes() throws {
        let policy = #"{"headers": {"route-to": ["queue1"]}}"#
        #expect(try passesBody(policy, #"{"headers": {"route-to": ["queue1", "queue2"]}}"#))
        #expect(try passesBody(policy, #"{"headers": {"route-to": "queue1"}}"#))
        #expect(try !passesBody(policy, #"{"headers": {"route-to": ["queue2"]}}"#))
        #expect(try !passesBody(policy, #"{"headers": {"route-to": []}}"#))
        let records = #"{"Records": {"s3": {"object": {"key": [{"prefix": "auto-"}]}}}}"#
        #expect(try passesBody(records, #"{"Records": [{"s3": {"object": {"key": "home-1.xml"}}}, {"s3": {"object": [[{"key": "auto-2.xml"}]]}}]}"#))
        #expect(try !passesBody(records, #"{"Records": [{"s3": {"object": {"key": "home-1.xml"}}}]}"#))
    }

    @Test func bodyExactValuesKeepJSONTypes() throws {
        #expect(try passesBody(#"{"a": [null]}"#, #"{"a": null}"#))
        #expect(try !passesBody(#"{"a": [null]}"#, #"{"b": 1}"#))
        #expect(try !passesBody(#"{"a": [null]}"#, #"{"a": "null"}"#))
        #expect(try passesBody(#"{"a": [true]}"#, #"{"a": true}"#))
        #expect(try !passesBody(#"{"a": [true]}"#, #"{"a": "true"}"#))
        #expect(try passesBody(#"{"a": [100]}"#, #"{"a": 1.0e2}"#))
        #expect(try !passesBody(#"{"a": [100]}"#, #"{"a": "100"}"#))
        #expect(try !passesBody(#"{"a": ["100"]}"#, #"{"a": 100}"#))
    }

    @Test func aKeyWhoseBodyValueIsAnObjectIsNotALeaf() throws {
        #expect(try !passesBody(#"{"object": [{"exists": true}]}"#, #"{"object": {"key": "x"}}"#))
        #expect(try passesBody(#"{"object": {"key": [{"exists": true}]}}"#, #"{"object": {"key": "x"}}"#))
    }

    @Test(arguments: [
        #"{"object": {"nested": "string.value"}}"#,
        #"{"object.nested": "string.value"}"#,
    ])
    func dottedPolicyKeysMatchNestedBodies(body: String) throws {
        #expect(try passesBody(#"{"object.nested": ["string.value"]}"#, body))
        #expect(try passesBody(#"{"object": {"nested": ["string.value"]}}"#, body))
        #expect(try !passesBody(#"{"object.nested": ["other"]}"#, body))
    }

    @Test func scopesReadOnlyTheirOwnPartOfTheMessage() throws {
        let policy = #"{"event_type": ["order.created"]}"#
        let attributes = [attr("event_type", "order.created")]
        let body = #"{"event_type": "order.created"}"#
        #expect(try FilterPolicy.parse(policy).evaluate(attributes: attributes, body: "{}").matched)
        #expect(try !FilterPolicy.parse(policy).evaluate(attributes: [], body: body).matched)
        #expect(try FilterPolicy.parse(policy, scope: .messageBody).evaluate(attributes: [], body: body).matched)
        #expect(try !FilterPolicy.parse(policy, scope: .messageBody).evaluate(attributes: attributes, body: "{}").matched)
    }

    // MARK: reasons

    @Test func reasonsSayWhyEachKeyMatchedOrNot() throws {
        let policy = try FilterPolicy.parse(
            #"{"event_type": ["order.created"], "amount": [{"numeric": [">", 100]}], "region": [{"exists": true}]}"#)
        let verdict = policy.evaluate(attributes: [attr("event_type", "order.created"), attr("amount", "42", "Number")], body: "")
        #expect(verdict == FilterVerdict(matched: false, reasons: [
            #"event_type: "order.created" matched ["order.created"]"#,
            #"amount: 42 not in numeric [">", 100]"#,
            "region: missing (needs exists: true)",
        ]))
    }

    @Test func reasonsForArraysExistsAndMixedConditions() throws {
        let policy = try FilterPolicy.parse(
            #"{"tags": ["a", {"prefix": "x-"}], "legacy": [{"exists": false}], "gone": [{"exists": false}]}"#)
        let verdict = policy.evaluate(
            attributes: [attr("tags", #"["b", "x-1"]"#, "String.Array"), attr("legacy", "yes")], body: "")
        #expect(!verdict.matched)
        #expect(verdict.reasons == [
            #"tags: ["b", "x-1"] matched ["a"] or prefix "x-""#,
            #"legacy: "yes" is present (needs exists: false)"#,
            "gone: missing, as exists: false requires",
        ])
    }

    @Test func reasonsForOrBranchesAndNestedKeys() throws {
        let policy = try FilterPolicy.parse(
            #"{"detail": {"state": ["ok"]}, "$or": [{"a": ["1"]}, {"b": [{"anything-but": ["x", "y"]}]}]}"#, scope: .messageBody)
        let matched = policy.evaluate(attributes: [], body: #"{"detail": {"state": "ok"}, "b": "z"}"#)
        #expect(matched == FilterVerdict(matched: true, reasons: [
            #"detail.state: "ok" matched ["ok"]"#,
            #"$or: branch 2 of 2 matched (b: "z" matched anything-but ["x", "y"])"#,
        ]))
        let failed = policy.evaluate(attributes: [], body: #"{"detail": {"state": "bad"}, "b": "x"}"#)
        #expect(failed == FilterVerdict(matched: false, reasons: [
            #"detail.state: "bad" not in ["ok"]"#,
            #"$or: no branch matched ([1] a: missing (needs ["1"]) [2] b: "x" not in anything-but ["x", "y"])"#,
        ]))
        let notJSON = policy.evaluate(attributes: [], body: "plain text")
        #expect(notJSON.matched == false)
        #expect(notJSON.reasons == ["message body is not a JSON object, so no MessageBody policy matches it"])
    }

    // MARK: validation

    @Test(arguments: Self.invalidPolicies)
    func invalidPoliciesAreRejectedWithTheProblemNamed(policy: String, scope: FilterPolicyScope, problem: String) {
        let error = rejection(policy, scope: scope)
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains(problem) == true, "\(error?.message ?? "accepted")")
    }

    @Test func complexityLimitIs150Combinations() {
        let values151 = (0..<151).map { "\"v\($0)\"" }.joined(separator: ",")
        #expect(rejection(#"{"key": [\#(values151)]}"#)?.message
            == "filter policy is too complex: 151 combinations of values, SNS allows at most 150")
        let v100 = (0..<100).map { "\"v\($0)\"" }.joined(separator: ",")
        let v51 = (0..<51).map { "\"v\($0)\"" }.joined(separator: ",")
        #expect(rejection(#"{"key1": [\#(v100)], "key2": [\#(v51)]}"#)?.message.contains("5100 combinations") == true)
        let values150 = (0..<150).map { "\"v\($0)\"" }.joined(separator: ",")
        #expect(rejection(#"{"key": [\#(values150)]}"#) == nil)
    }

    @Test func policiesLargerThan256KBAreRejected() {
        let big = String(repeating: "x", count: 262_144)
        #expect(rejection(#"{"k": ["\#(big)"]}"#)?.message.contains("SNS allows at most 256 KB") == true)
        let fits = String(repeating: "x", count: 262_000)
        #expect(rejection(#"{"k": ["\#(fits)"]}"#) == nil)
        #expect(throws: FanoutError.self) { _ = try FilterPolicy(["k": .string(big)]) }
    }

    @Test(arguments: Self.validPolicies)
    func validPoliciesAreAccepted(policy: String, scope: FilterPolicyScope) {
        let error = rejection(policy, scope: scope)
        #expect(error == nil, "\(error?.message ?? "")")
    }

    @Test func policiesBuiltAsJSONValuesKeepTheirJSONAndScope() throws {
        let json: JSONValue = ["event_type": ["order.created"]]
        let policy = try FilterPolicy(json, scope: .messageBody)
        #expect(policy.json == json)
        #expect(policy.scope == .messageBody)
        #expect(FilterPolicyScope(rawValue: "MessageAttributes") == .messageAttributes)
        #expect(FilterPolicyScope.messageBody.rawValue == "MessageBody")
    }

    // MARK: complexity

    @Test(arguments: Self.countedPolicies)
    func combinationsAreCountedAsSNSDoes(policy: String, scope: FilterPolicyScope, expected: Int) throws {
        #expect(try FilterPolicy.parse(policy, scope: scope).combinations == expected)
    }

    @Test(arguments: Self.overlyComplexPolicies)
    func overlyComplexPoliciesAreRejected(policy: String, scope: FilterPolicyScope, combinations: Int) {
        #expect(rejection(policy, scope: scope)?.message
            == "filter policy is too complex: \(combinations) combinations of values, SNS allows at most 150")
    }

    // MARK: the seeds' pipelines

    /// Seed 001: the order-events topic; payment and inventory queues filter on the `event_type` attribute,
    /// notification and analytics take everything.
    @Test(arguments: [
        ("order.created", true, true),
        ("order.refunded", true, false),
        ("order.cancelled", false, true),
        ("payment.completed", false, false),
        ("order.shipped", false, false),
        ("ORDER.CREATED", false, false),
    ])
    func seed001OrderPipeline(eventType: String, payment: Bool, inventory: Bool) throws {
        let paymentPolicy = try FilterPolicy.parse(#"{"event_type": ["order.created", "order.refunded"]}"#)
        let inventoryPolicy = try FilterPolicy.parse(#"{"event_type": ["order.created", "order.cancelled"]}"#)
        let attributes = [attr("event_type", eventType)]
        let body = #"{"event_type": "\#(eventType)", "order_id": "o-1", "total": 42.5}"#
        #expect(paymentPolicy.evaluate(attributes: attributes, body: body).matched == payment)
        #expect(inventoryPolicy.evaluate(attributes: attributes, body: body).matched == inventory)
        #expect(paymentPolicy.combinations == 2)
        #expect(inventoryPolicy.combinations == 2)
        // Without the attribute (a publisher that forgot it), neither filtered queue gets the event.
        #expect(!paymentPolicy.evaluate(attributes: [], body: body).matched)
        #expect(!inventoryPolicy.evaluate(attributes: [], body: body).matched)
    }

    @Test func seed001PaymentQueueExplainsARejectedCancellation() throws {
        let payment = try FilterPolicy.parse(#"{"event_type": ["order.created", "order.refunded"]}"#)
        let verdict = payment.evaluate(attributes: [attr("event_type", "order.cancelled")], body: "{}")
        #expect(verdict == FilterVerdict(matched: false, reasons: [
            #"event_type: "order.cancelled" not in ["order.created", "order.refunded"]"#,
        ]))
    }

    /// Seed 002: the fraud queue takes OrderPlaced/OrderUpdated events of at least 500.
    @Test(arguments: [
        ("OrderPlaced", "500", true),
        ("OrderUpdated", "1250.75", true),
        ("OrderPlaced", "499.99", false),
        ("OrderCancelled", "900", false),
        ("orderplaced", "900", false),
    ])
    func seed002FraudQueue(eventType: String, amount: String, expected: Bool) throws {
        let fraud = try FilterPolicy.parse(#"{"eventType": ["OrderPlaced", "OrderUpdated"], "amount": [{"numeric": [">=", 500]}]}"#)
        #expect(fraud.combinations == 2)
        let verdict = fraud.evaluate(attributes: [attr("eventType", eventType), attr("amount", amount, "Number")], body: #"{"id":"t1"}"#)
        #expect(verdict.matched == expected)
        #expect(verdict.reasons.count == 2)
    }

    @Test func seed002VerifyStepPublishesAnUnwantedEvent() throws {
        // The article's check: OrderCancelled, with no amount, must leave the fraud queue empty.
        let fraud = try FilterPolicy.parse(#"{"eventType": ["OrderPlaced", "OrderUpdated"], "amount": [{"numeric": [">=", 500]}]}"#)
        let verdict = fraud.evaluate(attributes: [attr("eventType", "OrderCancelled")], body: #"{"id":"t1"}"#)
        #expect(verdict == FilterVerdict(matched: false, reasons: [
            #"eventType: "OrderCancelled" not in ["OrderPlaced", "OrderUpdated"]"#,
            #"amount: missing (needs numeric [">=", 500])"#,
        ]))
    }

    static let invalidPolicies: [(String, FilterPolicyScope, String)] = [
        // shape
        (#"["a"]"#, .messageAttributes, "must be a JSON object, not array"),
        (#""a""#, .messageAttributes, "must be a JSON object, not string"),
        ("{", .messageAttributes, "not valid JSON"),
        ("{}", .messageAttributes, "filter policy is empty"),
        (#"{"a": "x"}"#, .messageAttributes, #"key "a": must be an array of conditions, not string"#),
        (#"{"a": 5}"#, .messageBody, #"key "a": must be an array of conditions or a nested object, not number"#),
        (#"{"a": {"b": ["x"]}}"#, .messageAttributes, "MessageAttributes does not support nested filter policies"),
        (#"{"$or": [{"a": ["x"]}, {"b": {"c": ["y"]}}]}"#, .messageAttributes, #"key "$or[2].b": is a nested object"#),
        (#"{"a": {}}"#, .messageBody, #"key "a": is an empty object"#),
        (#"{"a": []}"#, .messageAttributes, "empty arrays are not allowed"),
        (#"{"a": ["x"], "a": ["y"]}"#, .messageAttributes, #"key "a": appears twice"#),
        (#"{"a": [["x"]]}"#, .messageAttributes, "match values must be a string, number, true, false, null or an operator object, not an array"),
        // operators
        (#"{"a": [{"prefix": "x", "suffix": "y"}]}"#, .messageAttributes, "exactly one key (found 2: prefix, suffix)"),
        (#"{"a": [{}]}"#, .messageAttributes, "exactly one key (found 0)"),
        (#"{"a": [{"wildcard": "x*"}]}"#, .messageAttributes, #"unrecognized match type "wildcard""#),
        (#"{"a": [{"prefix": 1}]}"#, .messageAttributes, "prefix match pattern must be a string, not number"),
        (#"{"a": [{"suffix": null}]}"#, .messageAttributes, "suffix match pattern must be a string, not null"),
        (#"{"a": [{"suffix": ["x", "y"]}]}"#, .messageAttributes, "suffix match pattern must be a string, not array"),
        (#"{"a": [{"equals-ignore-case": 3}]}"#, .messageAttributes, "equals-ignore-case match pattern must be a string"),
        (#"{"a": [{"exists": "no"}]}"#, .messageAttributes, "exists match pattern must be either true or false"),
        (#"{"a": [{"exists": null}]}"#, .messageAttributes, "exists match pattern must be either true or false"),
        (#"{"a": [{"anything-but": {"suffix": "x"}}]}"#, .messageAttributes, "unsupported anything-but pattern: suffix"),
        (#"{"a": [{"anything-but": {"exists": false}}]}"#, .messageAttributes, "unsupported anything-but pattern: exists"),
        (#"{"a": [{"anything-but": {"prefix": false}}]}"#, .messageAttributes, "prefix match pattern must be a string, not boolean"),
        (#"{"a": [{"anything-but": []}]}"#, .messageAttributes, "anything-but list is empty"),
        (#"{"a": [{"anything-but": [true]}]}"#, .messageAttributes, "anything-but values must be strings or numbers, not boolean"),
        (#"{"a": [{"anything-but": null}]}"#, .messageAttributes, "anything-but takes a string, a number"),
        // numeric (SNS's own wording)
        (#"{"a": [{"numeric": ">"}]}"#, .messageAttributes, "numeric match must be an array"),
        (#"{"a": [{"numeric": []}]}"#, .messageAttributes, "numeric match is empty"),
        (#"{"a": [{"numeric": ["operator"]}]}"#, .messageAttributes, "unrecognized numeric range operator: operator"),
        (#"{"a": [{"numeric": [1, "<="]}]}"#, .messageAttributes, "invalid member in numeric match: 1"),
        (#"{"a": [{"numeric": ["=", "000"]}]}"#, .messageAttributes, "value of equals must be numeric"),
        (#"{"a": [{"numeric": [">="]}]}"#, .messageAttributes, "value of >= must be numeric"),
        (#"{"a": [{"numeric": ["<", 100, ">", 10]}]}"#, .messageAttributes, "too many elements in numeric expression"),
        (#"{"a": [{"numeric": ["=", 1, "<", 10]}]}"#, .messageAttributes, "too many elements in numeric expression"),
        (#"{"a": [{"numeric": [">=", 1, ">", 2]}]}"#, .messageAttributes, "bad numeric range operator: >"),
        (#"{"a": [{"numeric": [">", 3, "<", 1]}]}"#, .messageAttributes, "bottom must be less than top"),
        (#"{"a": [{"numeric": [">", 3, "<=", 3]}]}"#, .messageAttributes, "bottom must be less than top"),
        (#"{"a": [{"numeric": [">", 20, "<="]}]}"#, .messageAttributes, "value of <= must be numeric"),
        (#"{"a": [{"numeric": [">", 20, 30]}]}"#, .messageAttributes, "bad value in numeric range: 30"),
        (#"{"a": [{"numeric": [">", "20", "<", "30"]}]}"#, .messageAttributes, "value of > must be numeric"),
        (#"{"a": [{"numeric": [">", 20, "<", "30"]}]}"#, .messageAttributes, "value of < must be numeric"),
        (#"{"a": [{"numeric": [">", 20, "<", 30, "<", 50]}]}"#, .messageAttributes, "too many terms in numeric range expression"),
        (#"{"a": [{"numeric": [">", 5000000000]}]}"#, .messageAttributes, "5000000000 is outside the numeric range"),
        (#"{"a": [-1000000001]}"#, .messageAttributes, "-1000000001 is outside the numeric range"),
        (#"{"a": [{"anything-but": [1, 2e9]}]}"#, .messageAttributes, "2000000000 is outside the numeric range"),
        // cidr
        (#"{"a": [{"cidr": 10}]}"#, .messageAttributes, "cidr match pattern must be a string"),
        (#"{"a": [{"cidr": "10.0.0.0"}]}"#, .messageAttributes, #"malformed CIDR "10.0.0.0": one '/' required"#),
        (#"{"a": [{"cidr": "10.0.0.0/x"}]}"#, .messageAttributes, "mask bits must be an integer"),
        (#"{"a": [{"cidr": "10.0.0.0/33"}]}"#, .messageAttributes, "/33 is longer than the address (32 bits)"),
        (#"{"a": [{"cidr": "10.0.300.0/24"}]}"#, .messageAttributes, "nonstandard IP address: 10.0.300.0"),
        (#"{"a": [{"cidr": "2001:db8:::1/64"}]}"#, .messageAttributes, "nonstandard IP address: 2001:db8:::1"),
        // limits
        (#"{"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "e": ["1"], "f": ["1"]}"#, .messageAttributes,
         "filter policy has 6 keys (a, b, c, d, e, f); SNS allows at most 5"),
        (#"{"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "e": ["1"], "f": {"g": ["1"]}}"#, .messageBody,
         "filter policy has 6 top-level keys"),
        (#"{"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "$or": [{"e": ["1"]}, {"f": ["1"], "g": ["1"]}]}"#, .messageAttributes,
         "filter policy has 6 keys (a, b, c, d, f, g)"),
    ]

    static let validPolicies: [(String, FilterPolicyScope)] = [
        (#"{"k": ["x", 1, 2.5, true, false, null]}"#, .messageAttributes),
        (#"{"k": [{"anything-but": "x"}, {"anything-but": 1}, {"anything-but": ["x", 1]}, {"anything-but": {"prefix": "p"}}]}"#, .messageAttributes),
        (#"{"k": [{"numeric": ["=", 0]}, {"numeric": ["<", -5]}, {"numeric": [">=", 0, "<", 1e9]}, {"cidr": "2001:db8::/32"}]}"#, .messageAttributes),
        (#"{"a": [{"exists": true}], "b": [{"exists": false}], "c": [{"prefix": ""}], "d": [{"suffix": "s"}], "e": [{"equals-ignore-case": "E"}]}"#, .messageAttributes),
        (#"{"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "e": {"f": ["1"], "g": ["1"], "h": ["1"], "i": ["1"], "j": ["1"], "k": ["1"]}}"#, .messageBody),
        (#"{"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "$or": [{"e": ["1"]}, {"f": ["1"]}]}"#, .messageAttributes),
    ]

    static let countedPolicies: [(String, FilterPolicyScope, Int)] = [
        // seed-style: 2 × 1
        (#"{"event_type": ["order.created", "order.updated"], "amount": [{"numeric": [">", 100]}]}"#, .messageAttributes, 2),
        (#"{"key_a": ["value_one", "value_two", "value_three"], "key_b": ["value_one"], "key_c": ["value_one", "value_two"]}"#, .messageAttributes, 6),
        // nesting multiplies by depth: 3 × 4 × 2 × 3
        (#"{"key_a": {"key_b": {"key_c": ["v1", "v2", "v3", "v4"]}}, "key_d": {"key_e": ["v1", "v2", "v3"]}}"#, .messageBody, 72),
        // $or sums: (1 × 2) + (1 × 1 × 2) + (1 × 1 × 3)
        (#"{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]}, {"metricType": ["MetricType"], "$or": [{"metricId": [1234, 4321]}, {"spaceId": [1000, 2000, 3000]}]}]}"#, .messageAttributes, 7),
        // (2 × 2 × 2) × 4 branches
        (#"{"$or": [{"metricName": ["CPUUtilization", "ReadLatency"]}, {"namespace": ["AWS/EC2", "AWS/ES"]}], "detail": {"scope": ["Service"], "$or": [{"source": ["aws.cloudwatch"]}, {"type": ["CloudWatch Alarm State Change"]}]}}"#, .messageBody, 32),
        // exactly at the limit: 3 × (6 + 4 × (4 + 7))
        (#"{"source": ["a", "b", "c"], "$or": [{"metricName": ["1", "2", "3", "4", "5", "6"]}, {"metricType": ["1", "2", "3", "4"], "$or": [{"metricId": [1, 2, 3, 4]}, {"spaceId": [1, 2, 3, 4, 5, 6, 7]}]}]}"#, .messageAttributes, 150),
        (#"{"a": [{"exists": true}]}"#, .messageAttributes, 1),
    ]

    static let overlyComplexPolicies: [(String, FilterPolicyScope, Int)] = [
        // 4 × (6 + 4 × (4 + 4)) = 152
        (#"{"source": ["a", "b", "c", "d"], "$or": [{"metricName": ["1", "2", "3", "4", "5", "6"]}, {"metricType": ["1", "2", "3", "4"], "$or": [{"metricId": [1, 2, 3, 4]}, {"spaceId": [1, 2, 3, 4]}]}]}"#, .messageAttributes, 152),
        // (3 + 2) × (2 × 2) × (2 × 1 + 2 × 3) = 160
        (#"{"$or": [{"metricName": ["1", "2", "3"]}, {"namespace": ["1", "2"]}], "detail": {"scope": ["1", "2"], "$or": [{"source": ["1"]}, {"type": ["1", "2", "3"]}]}}"#, .messageBody, 160),
        // 3 × 4 × 2 × 3 × 1 × 3 = 216
        (#"{"key_a": {"key_b": {"key_c": ["1", "2", "3", "4"]}}, "key_d": {"key_e": ["1", "2", "3"]}, "key_f": ["1", "2", "3"]}"#, .messageBody, 216),
    ]
}

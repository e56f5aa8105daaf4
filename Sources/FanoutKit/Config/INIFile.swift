import Foundation

/// One section of an AWS shared config or credentials file.
///
/// A key holds either a plain value or, when its value is an indented block
/// (`sqs =` followed by `  endpoint_url = …`), a nested sub-section — botocore's one level of nesting.
public struct ConfigSection: Sendable, Equatable {
    /// `key = value` pairs. Keys are lower-cased, as Python's configparser (and so botocore) stores them.
    public var values: [String: String]
    /// Keys whose value is an indented block of `key = value` lines. Nested keys keep their case, as in botocore.
    public var subsections: [String: [String: String]]

    public init(values: [String: String] = [:], subsections: [String: [String: String]] = [:]) {
        self.values = values
        self.subsections = subsections
    }

    /// The plain value of a key; nil when absent or when the key holds a nested block.
    public subscript(key: String) -> String? { values[key] }

    /// Whether the key is present at all, with a plain value (possibly empty) or a nested block.
    public func contains(_ key: String) -> Bool { values[key] != nil || subsections[key] != nil }

    /// This section with `other`'s keys laid over it, key by key (Python's `dict.update`).
    func updated(with other: ConfigSection) -> ConfigSection {
        var merged = self
        for (key, value) in other.values {
            merged.subsections[key] = nil
            merged.values[key] = value
        }
        for (key, block) in other.subsections {
            merged.values[key] = nil
            merged.subsections[key] = block
        }
        return merged
    }
}

/// An INI file read the way botocore reads `~/.aws/config` and `~/.aws/credentials`: Python's
/// `RawConfigParser` (strict mode, `=` or `:` delimiters, whole-line `#`/`;` comments, keys lower-cased,
/// indented continuation lines, a `[DEFAULT]` section inherited by every section) plus botocore's
/// `_parse_nested` for values that start on the line after their key.
struct INIFile: Sendable {
    /// Sections in file order (`[DEFAULT]` itself is not listed; its values are folded into every section).
    var sections: [(name: String, section: ConfigSection)]

    /// Parses the text of a file; `displayPath` only names the file in errors.
    ///
    /// Everything configparser rejects — a key before any section header, a line that is neither a header nor
    /// `key = value`, a section or key given twice — is a configuration error, as it is for the AWS CLI.
    static func parse(_ text: String, displayPath: String) throws -> INIFile {
        let defaultSectionName = "DEFAULT"
        var order: [String] = []
        var rawSections: [String: [String: [String]]] = [:]
        var rawDefaults: [String: [String]] = [:]
        var currentSection: String?
        var currentOption: String?
        var indentLevel = 0
        var seenOptions = Set<String>()

        func fail(_ lineNumber: Int, _ problem: String) -> FanoutError {
            .configuration(
                "Cannot parse \(displayPath) line \(lineNumber): \(problem)",
                hint: "fix the file; the AWS CLI rejects it as well")
        }
        func append(_ line: String, to option: String, in section: String) {
            if section == defaultSectionName {
                rawDefaults[option, default: []].append(line)
            } else {
                rawSections[section, default: [:]][option, default: []].append(line)
            }
        }

        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        for (index, line) in normalized.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let stripped = line.trimmingCharacters(in: .whitespacesAndNewlines)
            let isComment = stripped.hasPrefix("#") || stripped.hasPrefix(";")
            if stripped.isEmpty || isComment {
                // configparser keeps blank lines inside multi-line values (they vanish again when a
                // nested block is parsed, and trailing ones are trimmed); comment lines are dropped.
                if !isComment, let section = currentSection, let option = currentOption {
                    append("", to: option, in: section)
                }
                continue
            }
            let indent = line.prefix { $0.isWhitespace }.count
            if let section = currentSection, let option = currentOption, indent > indentLevel {
                append(stripped, to: option, in: section)
                continue
            }
            indentLevel = indent

            if let header = sectionHeader(stripped) {
                if header == defaultSectionName {
                    currentSection = header
                } else {
                    if rawSections[header] != nil {
                        throw fail(lineNumber, "section [\(header)] appears more than once")
                    }
                    rawSections[header] = [:]
                    order.append(header)
                    currentSection = header
                }
                currentOption = nil
                continue
            }
            guard let section = currentSection else {
                throw fail(lineNumber, "'\(stripped)' comes before any [section] header")
            }
            guard let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw fail(lineNumber, "'\(stripped)' is neither a [section] header nor a 'key = value' line")
            }
            let key = stripped[..<delimiter].trimmingCharacters(in: .whitespaces).lowercased()
            guard !key.isEmpty else {
                throw fail(lineNumber, "'\(stripped)' has no key before '\(stripped[delimiter])'")
            }
            let value = stripped[stripped.index(after: delimiter)...].trimmingCharacters(in: .whitespaces)
            let seenKey = section + "\u{0}" + key
            if seenOptions.contains(seenKey) {
                throw fail(lineNumber, "key '\(key)' appears more than once in section [\(section)]")
            }
            seenOptions.insert(seenKey)
            if section == defaultSectionName {
                rawDefaults[key] = [value]
            } else {
                rawSections[section, default: [:]][key] = [value]
            }
            currentOption = key
        }

        let defaults = try sectionValues(rawDefaults, sectionName: defaultSectionName, displayPath: displayPath)
        var sections: [(name: String, section: ConfigSection)] = []
        for name in order {
            let own = try sectionValues(rawSections[name] ?? [:], sectionName: name, displayPath: displayPath)
            sections.append((name, defaults.updated(with: own)))
        }
        return INIFile(sections: sections)
    }

    /// The header of a `[name]` line: configparser's `\[(?P<header>.+)\]` matched at the start, so the name
    /// runs to the last `]` and anything after it is ignored.
    private static func sectionHeader(_ line: String) -> String? {
        guard line.hasPrefix("["), let close = line.lastIndex(of: "]") else { return nil }
        let nameStart = line.index(after: line.startIndex)
        guard close > nameStart else { return nil }
        return String(line[nameStart..<close])
    }

    /// Joins each key's lines as configparser does (`"\n".join(lines).rstrip()`) and parses values that begin
    /// with a newline as nested `key = value` blocks, as botocore's `raw_config_parse` does.
    private static func sectionValues(
        _ raw: [String: [String]], sectionName: String, displayPath: String
    ) throws -> ConfigSection {
        var section = ConfigSection()
        for (key, lines) in raw {
            let joined = trimmingTrailingWhitespace(lines.joined(separator: "\n"))
            guard joined.hasPrefix("\n") else {
                section.values[key] = joined
                continue
            }
            var nested: [String: String] = [:]
            for line in joined.split(separator: "\n") {
                let entry = line.trimmingCharacters(in: .whitespaces)
                if entry.isEmpty { continue }
                guard let equals = entry.firstIndex(of: "=") else {
                    throw FanoutError.configuration(
                        "Cannot parse \(displayPath): in [\(sectionName)], the block under '\(key)' has a line "
                            + "without '=': '\(entry)'",
                        hint: "nested settings look like '\(key) =' followed by indented 'name = value' lines")
                }
                let nestedKey = entry[..<equals].trimmingCharacters(in: .whitespaces)
                nested[nestedKey] = entry[entry.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            }
            section.subsections[key] = nested
        }
        return section
    }

    private static func trimmingTrailingWhitespace(_ text: String) -> String {
        var end = text.endIndex
        while end > text.startIndex {
            let previous = text.index(before: end)
            guard text[previous].isWhitespace else { break }
            end = previous
        }
        return String(text[..<end])
    }

    /// Splits a section name into words as Python's `shlex.split` does (POSIX mode): whitespace separates
    /// words, single quotes are literal, double quotes allow `\"` and `\\`, a backslash outside quotes escapes
    /// the next character. nil for an unterminated quote or a trailing backslash (botocore then ignores the
    /// section).
    static func shellWords(_ text: String) -> [String]? {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaping = false
        for character in text {
            if escaping {
                if quote == "\"" && character != "\"" && character != "\\" { word.append("\\") }
                word.append(character)
                escaping = false
                continue
            }
            switch quote {
            case "'":
                if character == "'" { quote = nil } else { word.append(character) }
            case "\"":
                if character == "\"" {
                    quote = nil
                } else if character == "\\" {
                    escaping = true
                } else {
                    word.append(character)
                }
            default:
                if character.isWhitespace {
                    if inWord { words.append(word) }
                    word = ""
                    inWord = false
                } else if character == "'" || character == "\"" {
                    quote = character
                    inWord = true
                } else if character == "\\" {
                    escaping = true
                    inWord = true
                } else {
                    word.append(character)
                    inWord = true
                }
            }
        }
        if quote != nil || escaping { return nil }
        if inWord { words.append(word) }
        return words
    }
}

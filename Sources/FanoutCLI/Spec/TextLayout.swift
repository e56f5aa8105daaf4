/// Plain-text layout for help pages: word wrapping and two-column lists. Widths count Characters,
/// which is right for the ASCII text help is written in.
enum TextLayout {
    /// The width help text is wrapped to.
    static let width = 80

    /// Wraps words greedily into lines of at most `width` characters; the first line starts after
    /// `firstIndent` characters already on the line, the rest are indented by `indent` spaces.
    /// A word longer than the room left gets a line of its own.
    static func wrap(_ text: String, width: Int = width, firstIndent: Int = 0, indent: Int = 0) -> [String] {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        var lines: [String] = []
        var line = ""
        var lineStart = firstIndent
        for word in words {
            if line.isEmpty {
                line = String(word)
            } else if lineStart + line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
                lineStart = indent
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        let padding = String(repeating: " ", count: indent)
        return lines.enumerated().map { $0.offset == 0 ? $0.element : padding + $0.element }
    }

    /// Paragraphs separated by blank lines, each wrapped to `width`; a paragraph with an indented
    /// line is preformatted (a list, a code sample) and kept exactly as written.
    static func paragraphs(_ text: String, width: Int = width) -> String {
        var blocks: [[Substring]] = [[]]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !(blocks.last?.isEmpty ?? true) { blocks.append([]) }
            } else {
                blocks[blocks.count - 1].append(line)
            }
        }
        return blocks.filter { !$0.isEmpty }.map { lines -> String in
            if lines.contains(where: { $0.first == " " || $0.first == "\t" }) {
                return lines.joined(separator: "\n")
            }
            return wrap(lines.joined(separator: " "), width: width).joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

    /// Two aligned columns, indented by two spaces: a label, then its text wrapped at `column`.
    /// A label too wide for the column puts its text on the next line.
    static func twoColumns(_ rows: [(label: String, text: String)], column: Int) -> [String] {
        var lines: [String] = []
        for row in rows {
            let label = "  " + row.label
            if row.text.isEmpty {
                lines.append(label)
                continue
            }
            let wrapped = wrap(row.text, firstIndent: column, indent: column)
            if label.count + 2 <= column {
                lines.append(label + String(repeating: " ", count: column - label.count) + wrapped[0])
                lines.append(contentsOf: wrapped.dropFirst())
            } else {
                lines.append(label)
                lines.append(String(repeating: " ", count: column) + wrapped[0])
                lines.append(contentsOf: wrapped.dropFirst())
            }
        }
        return lines
    }
}

/// "Did you mean …?" candidates, chosen by edit distance.
enum Suggestion {
    /// The candidate closest to `typed`, if it is close enough to be a plausible typo.
    ///
    /// Close enough means an edit distance of at most `max(2, typed.count / 3)` and smaller than
    /// `typed.count` (so `x` never "means" `qa`), or `typed` being a prefix of the candidate of at
    /// least two characters (`reg` → `region`). Ties go to the earlier candidate; `typed` itself is
    /// never suggested.
    static func closest(to typed: String, among candidates: [String]) -> String? {
        let typedCharacters = Array(typed)
        guard !typedCharacters.isEmpty else { return nil }
        let threshold = max(2, typedCharacters.count / 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != typed {
            let distance: Int
            if typedCharacters.count >= 2 && candidate.hasPrefix(typed) {
                distance = 1
            } else {
                distance = editDistance(typedCharacters, Array(candidate))
                guard distance <= threshold && distance < typedCharacters.count else { continue }
            }
            if best.map({ distance < $0.distance }) ?? true {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// Optimal-string-alignment distance (Levenshtein plus adjacent transposition, as Damerau):
    /// `qeues` → `queues` is 1 insertion; `rgeion` → `region` is 1 transposition.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        // Three rolling rows: two back (for transpositions), previous, current.
        var twoBack = [Int](repeating: 0, count: width)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: width)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    value = min(value, twoBack[j - 2] + 1)
                }
                current[j] = value
            }
            (twoBack, previous, current) = (previous, current, twoBack)
        }
        return previous[b.count]
    }
}

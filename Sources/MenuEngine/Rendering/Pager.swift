/// Splits a rendered screen into USSD pages of at most ``GSM7/pageLimit`` septets.
///
/// Every page but the last ends with the service's "next page" hint (`98. Suite`), and the hint is
/// counted inside the limit. Pages break at line ends when they can, then at spaces, and only as a
/// last resort inside a word, so a menu option is never cut in two when it fits on a page.
enum Pager {
    /// The pages of `text` (already GSM-7, see ``GSM7/sanitize(_:)``); `[text]` when it fits.
    static func pages(of text: String, moreHint: String, limit: Int = GSM7.pageLimit) -> [String] {
        let total = GSM7.septets(text) ?? Int.max
        if total <= limit { return [text] }
        let suffix = "\n" + moreHint
        let suffixCost = GSM7.septets(suffix) ?? suffix.unicodeScalars.count * 2
        // A hint that leaves no room would loop forever; keep at least a few septets per page.
        let budget = max(limit - suffixCost, 8)
        let characters = Array(text)
        let costs = characters.map { character in
            character.unicodeScalars.reduce(0) { $0 + (GSM7.cost($1) ?? 2) }
        }
        var pages: [String] = []
        var start = 0
        var remaining = costs.reduce(0, +)
        while start < characters.count {
            if remaining <= limit {
                pages.append(String(characters[start...]))
                break
            }
            // The longest prefix that fits the budget.
            var end = start
            var used = 0
            while end < characters.count, used + costs[end] <= budget {
                used += costs[end]
                end += 1
            }
            // Prefer to cut after a newline, then after a space, within that prefix.
            var cut = end
            if end < characters.count, characters[end] == "\n" || characters[end] == " " {
                // The budget ends right at a separator: the page is full without cutting anything.
                cut = end
            } else if let newline = (start..<end).last(where: { characters[$0] == "\n" }), newline > start {
                cut = newline
            } else if let space = (start..<end).last(where: { characters[$0] == " " }), space > start {
                cut = space
            }
            var page = String(characters[start..<cut])
            while page.last == " " || page.last == "\n" { page.removeLast() }
            pages.append(page + suffix)
            // Skip the separator we cut on.
            var next = cut
            while next < characters.count, characters[next] == "\n" || characters[next] == " " { next += 1 }
            remaining -= costs[start..<next].reduce(0, +)
            start = next
        }
        return pages
    }
}

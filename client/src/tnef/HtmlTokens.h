#pragma once
// A small HTML tokenizer: enough to split markup from text for RTF encapsulation and for the
// plain-text rendering of an HTML body. It never fails: malformed markup becomes text.

#include <string>
#include <vector>

namespace mailrig::detail {

/// One piece of an HTML document, in document order; concatenating every `raw` gives the input.
struct HtmlToken {
    enum class Kind { Text, Tag, Comment, Declaration };
    Kind kind = Kind::Text;
    std::string raw;     ///< the exact bytes
    std::string name;    ///< lower-case tag name without `/` (tags only), e.g. `p`
    bool closing = false; ///< `</p>`
};

/// Splits `html` into text, tags (`<...>` honouring quoted attribute values), comments
/// (`<!-- ... -->`) and declarations / processing instructions (`<!...>`, `<?...>`).
std::vector<HtmlToken> tokenizeHtml(const std::string& html);

/// True for elements whose content is never shown (`head`, `style`, `script`, `title`).
bool isHiddenElement(const std::string& name);

/// True for tags after which a reader starts a new line (`br`, `p`, `div`, `li`, `tr`, `h1`...).
bool breaksLine(const std::string& name);

/// Decodes one character reference (`&amp;`, `&#233;`, `&#xE9;`, and the common named ones)
/// starting at `html[at]` == '&'. Returns the UTF-8 text and sets `length` to the bytes
/// consumed; returns empty (and `length` 0) when it is not a reference we know.
std::string decodeEntity(const std::string& html, std::size_t at, std::size_t& length);

/// Appends the UTF-8 encoding of `cp` to `out`.
void appendUtf8(std::string& out, char32_t cp);

/// A readable plain-text rendering of an HTML body: hidden elements dropped, line-breaking
/// tags as line breaks, whitespace runs collapsed, character references decoded; CRLF line ends.
std::string htmlToPlainText(const std::string& html);

} // namespace mailrig::detail

using System.Text;

namespace GpuInference.Model.Formula;

/// <summary>Splits a formula into tokens, each with its span; whitespace separates tokens and is otherwise ignored.</summary>
internal static class FormulaTokenizer
{
    /// <summary>Characters that users coming from R or patsy write and that this language does not have, with what to write instead.</summary>
    private static readonly Dictionary<char, string> Hints = new()
    {
        ['*'] = "'*' is not supported; write a + b + a:b",
        ['/'] = "'/' (nesting) is not supported; write a + a:b",
        ['='] = "a single '='; write '==' to test a treatment arm, as in count(arm==2)",
    };

    /// <summary>The tokens of <paramref name="formula"/>.</summary>
    /// <exception cref="FormulaException">A character that starts no token, or an unterminated quote.</exception>
    public static IReadOnlyList<Token> Tokenize(string formula, OperatorTable? operators = null)
    {
        operators ??= OperatorTable.Default;
        var tokens = new List<Token>();
        int i = 0;
        while (i < formula.Length)
        {
            char c = formula[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            int start = i;
            if (c == '(') tokens.Add(new Token(TokenKind.LeftParen, "(", new SourceSpan(i++, 1)));
            else if (c == ')') tokens.Add(new Token(TokenKind.RightParen, ")", new SourceSpan(i++, 1)));
            else if (c == ',') tokens.Add(new Token(TokenKind.Comma, ",", new SourceSpan(i++, 1)));
            else if (c == '`') tokens.Add(ReadQuotedName(formula, ref i));
            else if (c is '"' or '\'') tokens.Add(ReadString(formula, ref i));
            else if (StartsNumber(formula, i)) tokens.Add(ReadNumber(formula, ref i));
            else if (StartsName(formula, i))
            {
                while (i < formula.Length && IsNameChar(formula[i])) i++;
                tokens.Add(new Token(TokenKind.Name, formula[start..i], new SourceSpan(start, i - start)));
            }
            else if (MatchOperator(formula, i, operators) is { } symbol)
            {
                tokens.Add(new Token(TokenKind.Operator, symbol, new SourceSpan(i, symbol.Length)));
                i += symbol.Length;
            }
            else
            {
                string problem = Hints.TryGetValue(c, out var hint) ? hint : $"unexpected character '{c}'";
                throw new FormulaException(formula, new SourceSpan(i, 1), problem);
            }
        }
        return tokens;
    }

    /// <summary>Whether <paramref name="name"/> can be written bare, without backquotes.</summary>
    public static bool IsBareName(string name)
    {
        if (name.Length == 0 || !StartsName(name, 0)) return false;
        foreach (char c in name)
            if (!IsNameChar(c)) return false;
        return true;
    }

    /// <summary>Whether <paramref name="text"/> is exactly one number literal.</summary>
    public static bool IsNumberLiteral(string text)
    {
        if (text.Length == 0 || !StartsNumber(text, 0)) return false;
        int i = 0;
        ReadNumber(text, ref i);
        return i == text.Length;
    }

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.';

    private static bool StartsName(string s, int i) =>
        char.IsLetter(s[i]) || s[i] == '_' || (s[i] == '.' && !(i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])));

    private static bool StartsNumber(string s, int i) =>
        char.IsAsciiDigit(s[i]) || (s[i] == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]));

    private static Token ReadNumber(string s, ref int i)
    {
        int start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        if (i + 1 < s.Length && s[i] == '.' && char.IsAsciiDigit(s[i + 1]))
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        }
        return new Token(TokenKind.Number, s[start..i], new SourceSpan(start, i - start));
    }

    private static Token ReadQuotedName(string s, ref int i)
    {
        int start = i;
        int close = s.IndexOf('`', start + 1);
        if (close < 0)
            throw new FormulaException(s, new SourceSpan(start, s.Length - start), "unterminated backquoted name");
        i = close + 1;
        var span = new SourceSpan(start, i - start);
        string name = s[(start + 1)..close];
        if (name.Length == 0) throw new FormulaException(s, span, "empty backquoted name");
        return new Token(TokenKind.QuotedName, name, span);
    }

    private static Token ReadString(string s, ref int i)
    {
        int start = i;
        char quote = s[i++];
        var value = new StringBuilder();
        while (i < s.Length && s[i] != quote)
        {
            // A backslash keeps the next character as it is, so that a string can hold its own quote.
            if (s[i] == '\\' && i + 1 < s.Length) i++;
            value.Append(s[i++]);
        }
        if (i == s.Length)
            throw new FormulaException(s, new SourceSpan(start, s.Length - start), "unterminated string");
        i++;
        return new Token(TokenKind.String, value.ToString(), new SourceSpan(start, i - start));
    }

    private static string? MatchOperator(string s, int i, OperatorTable operators)
    {
        foreach (string symbol in operators.Symbols)
            if (string.CompareOrdinal(s, i, symbol, 0, symbol.Length) == 0) return symbol;
        return null;
    }
}

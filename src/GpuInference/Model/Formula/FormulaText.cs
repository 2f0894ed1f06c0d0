using System.Globalization;
using System.Text;

namespace GpuInference.Model.Formula;

/// <summary>How names and values are written in the normalised text of terms, so that equal terms get equal names.</summary>
internal static class FormulaText
{
    /// <summary>A column name as a formula would hold it: bare if it can be, else backquoted.</summary>
    public static string Name(string name) => FormulaTokenizer.IsBareName(name) ? name : $"`{name}`";

    /// <summary>A compared value: bare if it reads as a number (so <c>arm=="2"</c> and <c>arm==2</c> get one
    /// name), else double-quoted.</summary>
    public static string Value(string value)
    {
        if (FormulaTokenizer.IsNumberLiteral(value)
            || (value.StartsWith('-') && FormulaTokenizer.IsNumberLiteral(value[1..])))
            return value;
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\') quoted.Append('\\');
            quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    /// <summary>An integer in invariant digits.</summary>
    public static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);
}

namespace GpuInference.Model;

/// <summary>
/// The report notes that say how the data became analysis units, in one place: the general compiler and the paper
/// preset's engine say the same things in the same words.
/// </summary>
public static class ModelNotes
{
    public static string BlankDropped(int rows, string column) =>
        $"{rows:N0} row{(rows == 1 ? "" : "s")} dropped for a blank '{column}' (listwise deletion)";

    public static string SingletonsLeftOut(int units, string fixedEffect) =>
        $"{units:N0} unit{(units == 1 ? " was" : "s were")} alone in {(units == 1 ? "its" : "their")} {fixedEffect} group and left out (singleton fixed effects, as fixest drops them)";

    public static string Isolated(int units) =>
        $"{units:N0} unit{(units == 1 ? " has" : "s have")} no friends: their count(), any(), atleast() and wsum() are 0, and share() and wshare() are defined as 0";
}

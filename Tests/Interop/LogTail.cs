namespace Bridge.Tests.Interop;

/// <summary>Reads the end of a log file that another process may still be writing.</summary>
public static class LogTail
{
    public static string Of(string path, int lines = 40)
    {
        if (!File.Exists(path))
        {
            return $"({path} does not exist)";
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        var tail = all.Skip(Math.Max(0, all.Length - lines));
        return $"--- last {lines} lines of {path} ---\n" + string.Join('\n', tail);
    }
}

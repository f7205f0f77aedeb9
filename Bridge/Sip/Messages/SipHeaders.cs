using System.Collections;

namespace Bridge.Sip;

/// <summary>
/// Header fields in wire order. Names compare case-insensitively and compact forms are stored under their full
/// names (<see cref="SipHeaderNames.Canonicalize"/>). A comma-joined line stays one entry; use
/// <see cref="GetAllSplit"/> to get the individual values of list headers such as Via or Contact.
/// </summary>
public sealed class SipHeaders : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _entries = [];

    public int Count => _entries.Count;

    /// <summary>The first value with this name, or null.</summary>
    public string? this[string name]
    {
        get
        {
            name = SipHeaderNames.Canonicalize(name);
            foreach (var (k, v) in _entries)
            {
                if (Matches(k, name))
                {
                    return v;
                }
            }
            return null;
        }
    }

    /// <summary>Every header line with this name, in order, unsplit.</summary>
    public IReadOnlyList<string> GetAll(string name)
    {
        name = SipHeaderNames.Canonicalize(name);
        var values = new List<string>();
        foreach (var (k, v) in _entries)
        {
            if (Matches(k, name))
            {
                values.Add(v);
            }
        }
        return values;
    }

    /// <summary>Every value with this name, comma-joined lines split at top-level commas (outside quotes and &lt;&gt;).</summary>
    public IReadOnlyList<string> GetAllSplit(string name)
    {
        var values = new List<string>();
        foreach (var line in GetAll(name))
        {
            values.AddRange(SipSyntax.SplitTopLevel(line));
        }
        return values;
    }

    public bool Contains(string name) => this[name] is not null;

    public void Add(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _entries.Add(new(SipHeaderNames.Canonicalize(name), value));
    }

    /// <summary>Replaces every line with this name by one line at the position of the first (or at the end).</summary>
    public void Set(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        name = SipHeaderNames.Canonicalize(name);
        var index = _entries.FindIndex(e => Matches(e.Key, name));
        if (index < 0)
        {
            _entries.Add(new(name, value));
            return;
        }
        _entries[index] = new(name, value);
        for (var i = _entries.Count - 1; i > index; i--)
        {
            if (Matches(_entries[i].Key, name))
            {
                _entries.RemoveAt(i);
            }
        }
    }

    /// <summary>Removes every line with this name; true if any was there.</summary>
    public bool Remove(string name)
    {
        name = SipHeaderNames.Canonicalize(name);
        return _entries.RemoveAll(e => Matches(e.Key, name)) > 0;
    }

    /// <summary>Adds a line before every other line with this name (or first of all when there is none).</summary>
    public void InsertFirst(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        name = SipHeaderNames.Canonicalize(name);
        var index = _entries.FindIndex(e => Matches(e.Key, name));
        _entries.Insert(index < 0 ? 0 : index, new(name, value));
    }

    /// <summary>Replaces the first value of a list header, splitting its line if it was comma-joined.</summary>
    public void ReplaceTopValue(string name, string value)
    {
        name = SipHeaderNames.Canonicalize(name);
        var index = _entries.FindIndex(e => Matches(e.Key, name));
        if (index < 0)
        {
            _entries.Add(new(name, value));
            return;
        }
        var parts = SipSyntax.SplitTopLevel(_entries[index].Value);
        _entries[index] = new(name, value);
        if (parts.Count > 1)
        {
            _entries.Insert(index + 1, new(name, string.Join(", ", parts.Skip(1))));
        }
    }

    private static bool Matches(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>A struct enumerator, so the serializer's foreach over every message's headers allocates nothing.</summary>
    public List<KeyValuePair<string, string>>.Enumerator GetEnumerator() => _entries.GetEnumerator();

    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

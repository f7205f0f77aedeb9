namespace Bridge.Mapping;
/// <summary>Anchor type for reflection-based architecture tests.</summary>
public static class AssemblyMarker;

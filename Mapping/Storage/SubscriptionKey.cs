namespace Bridge.Mapping.Storage;

/// <summary>Identifies a stored subscription: role, bare watcher and bare presentity as "local@domain".</summary>
public readonly record struct SubscriptionKey(SubscriptionRole Role, string Watcher, string Presentity);

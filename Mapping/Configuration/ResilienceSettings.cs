namespace Bridge.Mapping.Configuration;

/// <summary>
/// Section "Bridge:Resilience": how outbound links (S2S, SIP over TCP, the XEP-0114 component) behave while a
/// peer restarts.
/// </summary>
/// <param name="QueueLimit">Stanzas or requests that may wait for one link; more are refused at once.</param>
/// <param name="QueueDeadlineSeconds">How long one may wait; then its sender gets an error.</param>
/// <param name="ReconnectMaxDelaySeconds">Cap of the exponential reconnect backoff.</param>
public sealed record ResilienceSettings(int QueueLimit = 1000, double QueueDeadlineSeconds = 30, double ReconnectMaxDelaySeconds = 30);

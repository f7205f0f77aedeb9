namespace Bridge.Mapping.Configuration;

/// <summary>Checks of "Bridge:Xmpp:Component" and "Bridge:Resilience".</summary>
public static partial class BridgeConfigValidator
{
    private static void ValidateComponent(BridgeConfig config, List<string> errors)
    {
        if (config.Xmpp.Component is not { } component)
        {
            return;
        }
        const string key = "Bridge:Xmpp:Component";
        if (string.IsNullOrWhiteSpace(component.Host))
        {
            errors.Add($"{key}:Host: is required (the XMPP server's address)");
        }
        if (component.Port is < 1 or > 65535)
        {
            errors.Add(Invariant($"{key}:Port: {component.Port} is not a port between 1 and 65535"));
        }
        if (string.IsNullOrWhiteSpace(component.Secret))
        {
            errors.Add($"{key}:Secret: is required (XEP-0114 handshakes prove it)");
        }
        if (string.IsNullOrWhiteSpace(component.Name))
        {
            errors.Add($"{key}:Name: is required (the component's domain)");
        }
        else if (config.FindDomain(component.Name)?.Protocol != DomainProtocol.Sip)
        {
            // The component speaks for one SIP domain towards the XMPP server; anything else would put
            // the bridge's traffic under a name the policy does not know.
            errors.Add($"{key}:Name: '{component.Name}' is not a configured sip domain");
        }
    }

    private static void ValidateResilience(ResilienceSettings resilience, List<string> errors)
    {
        const string key = "Bridge:Resilience";
        if (resilience.QueueLimit is < 1 or > 1_000_000)
        {
            errors.Add(Invariant($"{key}:QueueLimit: {resilience.QueueLimit} is not between 1 and 1000000"));
        }
        if (!(resilience.QueueDeadlineSeconds is > 0 and <= 3600))
        {
            errors.Add(Invariant($"{key}:QueueDeadlineSeconds: {resilience.QueueDeadlineSeconds} is not a number of seconds above 0 and at most 3600"));
        }
        if (!(resilience.ReconnectMaxDelaySeconds is >= 0.1 and <= 3600))
        {
            errors.Add(Invariant($"{key}:ReconnectMaxDelaySeconds: {resilience.ReconnectMaxDelaySeconds} is not a number of seconds between 0.1 and 3600"));
        }
    }
}

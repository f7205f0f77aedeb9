namespace Bridge.Tests.Interop;

/// <summary>What XmppTestClient.SendAsync asks the python client to send.</summary>
public sealed record XmppOutgoingMessage(
    string To,
    string Body,
    string? Subject = null,
    string? Lang = null,
    string? Thread = null,
    string Type = "normal",
    string? Id = null);

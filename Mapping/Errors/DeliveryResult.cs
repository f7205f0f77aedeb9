namespace Bridge.Mapping.Errors;

/// <summary>Outcome of handing a message to the other side.</summary>
/// <param name="Error">Null when delivered.</param>
public sealed record DeliveryResult(DeliveryError? Error)
{
    /// <summary>True when the destination accepted the message.</summary>
    public bool Delivered => Error is null;

    /// <summary>The shared successful result.</summary>
    public static DeliveryResult Ok { get; } = new((DeliveryError?)null);

    /// <summary>A failure reported by the destination side (not a policy refusal).</summary>
    public static DeliveryResult Fail(DeliveryFailure failure, string? text = null, int? sipStatus = null) =>
        new(new DeliveryError(failure, text, sipStatus));
}

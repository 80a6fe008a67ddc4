namespace OpenLedger.Grains.Hosting;

/// <summary>
/// A call that needs a grain no live silo hosts (no silo of its role is running) fails in Orleans with a placement
/// exception: an <see cref="ArgumentException"/> "Could not find an implementation for interface ..." where the cluster's
/// manifest holds no silo with the class, or "No active nodes are compatible with grain ..." where the silos that had it
/// are gone. Where such a failure reaches a client (GraphQL, and so the CLI) it is told as the stable code
/// <see cref="Code"/> with the role to start instead.
/// </summary>
public static class RoleUnavailable
{
    public const string Code = "ROLE_UNAVAILABLE";

    private const string NoImplementation = "Could not find an implementation for interface";
    private const string NoCompatibleSilo = "No active nodes are compatible with grain";

    /// <summary>The message for a client when <paramref name="exception"/> (or one it wraps) is such a placement
    /// failure; null otherwise.</summary>
    public static string? Describe(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            var message = e.Message;
            if (!(e is ArgumentException && message.Contains(NoImplementation, StringComparison.Ordinal))
                && !message.Contains(NoCompatibleSilo, StringComparison.Ordinal))
                continue;
            // Orleans names the interface by its full name in both messages.
            var grainInterface = GrainRoles.Core.Concat(GrainRoles.Ml).FirstOrDefault(t => Names(message, t));
            return grainInterface is not null && GrainRoles.OfInterface(grainInterface) is { } role
                ? Message(role, grainInterface)
                : $"no running silo hosts the grain this call needs ({message})";
        }
        return null;
    }

    /// <summary>"no silo with the ml role is running; start one with --roles ml (it hosts IOpenLoraGrain)".</summary>
    public static string Message(SiloRoles role, Type grainInterface)
    {
        var name = SiloRoleNames.Name(role);
        return $"no silo with the {name} role is running; start one with --roles {name} (it hosts {grainInterface.Name})";
    }

    // The full name followed by something that cannot continue an identifier, so IModelGrain does not match inside a
    // longer name.
    private static bool Names(string message, Type grainInterface)
    {
        var fullName = grainInterface.FullName!;
        for (var at = message.IndexOf(fullName, StringComparison.Ordinal); at >= 0; at = message.IndexOf(fullName, at + 1, StringComparison.Ordinal))
        {
            var end = at + fullName.Length;
            if (end == message.Length || !(char.IsLetterOrDigit(message[end]) || message[end] == '_')) return true;
        }
        return false;
    }
}

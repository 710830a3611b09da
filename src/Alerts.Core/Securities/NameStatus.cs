namespace Alerts.Core.Securities;

/// <summary>Whether a name key of the index resolves on its own.</summary>
internal enum NameStatus : byte
{
    /// <summary>The name stands for one listing.</summary>
    Resolves,

    /// <summary>The name is also an ordinary word ("Target", "Compass"): it resolves only written with a corporate suffix.</summary>
    NeedsSuffix,

    /// <summary>Different companies share the name: it resolves to none.</summary>
    Ambiguous,
}

namespace Alerts.Core.Extraction;

/// <summary>What a verb of change says, once its object is known.</summary>
internal enum VerbKind : byte
{
    None,
    Up,
    Down,
    Move,
    TargetRaise,
    TargetLower,
    TargetSet,
    Init,
    Resume,
    Suspend,
    Reit,
    Statement,
}

/// <summary>Whether "raised"/"cut" is about the rating or the price target.</summary>
internal enum Direction : byte
{
    None,
    Rating,
    Target,
}

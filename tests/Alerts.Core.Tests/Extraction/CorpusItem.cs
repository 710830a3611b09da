using System.Text.Json.Serialization;

namespace Alerts.Core.Tests.Extraction;

/// <summary>
/// One item of the development corpus (a line of <c>Corpus/*.jsonl</c>): real text as a publisher printed it, where it
/// was found, and the changes a reader labelled by hand. A look-alike that states no change has an empty
/// <see cref="Expect"/> and names what it looks like in <see cref="Negative"/> ("index target", "consensus", ...).
/// </summary>
public sealed record CorpusItem(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("publisher")] string Publisher,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("expect")] IReadOnlyList<ExpectedChange> Expect,
    [property: JsonPropertyName("negative")] string? Negative)
{
    /// <summary>Where the item was read from, as "file:line" (set by the loader).</summary>
    [JsonIgnore]
    public string File { get; init; } = "";

    /// <summary>The name of the file the item was read from ("corpus-a.jsonl").</summary>
    [JsonIgnore]
    public string FileName => File.Split(':')[0];

    /// <summary>The item as a fixture case: every expected change, resolved or not.</summary>
    public ExtractionCase ToCase() => new(Id, Text, Expect);
}

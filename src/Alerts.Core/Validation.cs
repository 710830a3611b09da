namespace Alerts.Core;

/// <summary>One thing wrong with a request: the item (its index in a batch), the field, and what is wrong.</summary>
public sealed record ValidationError(int? Index, string Field, string Message);

/// <summary>The outcome of validating input: a value, or the list of everything wrong with it.</summary>
public sealed class Validated<T>
{
    private Validated(T? value, IReadOnlyList<ValidationError> errors)
    {
        Value = value;
        Errors = errors;
    }

    public T? Value { get; }

    public IReadOnlyList<ValidationError> Errors { get; }

    public bool IsValid => Errors.Count == 0;

    public static Validated<T> Ok(T value) => new(value, []);

    public static Validated<T> Invalid(IReadOnlyList<ValidationError> errors) => new(default, errors);
}

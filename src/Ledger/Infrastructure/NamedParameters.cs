using System.Reflection;
using System.Text.RegularExpressions;

namespace CallCampaigns.Ledger.Infrastructure;

/// <summary>The <c>@name</c> parameters of a SQL text, bound to the properties of the same name (as Dapper binds them).</summary>
internal static partial class NamedParameters
{
    /// <summary>Each parameter named in <paramref name="sql"/> once, with the public property of <typeparamref name="T"/> it reads.</summary>
    public static (string Name, PropertyInfo Property)[] In<T>(string sql) =>
        ParameterName().Matches(sql).Select(m => m.Groups[1].Value).Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(name => (name, typeof(T).GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
                ?? throw new InvalidOperationException($"{typeof(T).Name} has no {name} for its SQL")))
            .ToArray();

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex ParameterName();
}

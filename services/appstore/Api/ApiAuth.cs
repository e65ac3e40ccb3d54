using System.Text;
using ExApps.AppStore.Accounts;

namespace ExApps.AppStore.Api;

/// <summary>The API's authentication: <c>Authorization: Basic base64(user:password)</c> or
/// <c>Authorization: Token TOKEN</c>. An account must be active and have a verified e-mail address.</summary>
public static class ApiAuth
{
    public readonly record struct Outcome(Account? Account, IResult? Failure);

    public static async Task<Outcome> AuthenticateAsync(HttpContext http, AccountStore accounts,
        bool allowBasic = true, bool allowToken = true)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ');
        var scheme = space > 0 ? header[..space] : header;
        var value = space > 0 ? header[(space + 1)..].Trim() : "";
        Account? account;
        if (allowBasic && scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value)); }
            catch (FormatException) { return Fail(http, "Invalid basic header. Credentials not correctly base64 encoded."); }
            var colon = decoded.IndexOf(':');
            if (colon < 0) return Fail(http, "Invalid basic header. No credentials provided.");
            account = await accounts.FindByPasswordAsync(decoded[..colon], decoded[(colon + 1)..], http.RequestAborted);
            if (account is null) return Fail(http, "Invalid username/password.");
        }
        else if (allowToken && scheme.Equals("Token", StringComparison.OrdinalIgnoreCase))
        {
            if (value.Length == 0 || value.Contains(' ')) return Fail(http, "Invalid token header.");
            account = await accounts.FindByTokenAsync(value, http.RequestAborted);
            if (account is null) return Fail(http, "Invalid token.");
        }
        else
        {
            var accepted = (allowBasic, allowToken) switch { (true, true) => "Basic or Token", (true, false) => "Basic", _ => "Token" };
            return Fail(http, $"Authentication credentials were not provided ({accepted} authentication).");
        }
        if (!account.IsActive) return Fail(http, "User inactive or deleted.");
        if (!account.EmailVerified)
            return Fail(http, $"The e-mail address of account {account.Username} is not verified yet.");
        return new Outcome(account, null);
    }

    private static Outcome Fail(HttpContext http, string message) => new(null, ApiErrors.Unauthorized(http, message));
}

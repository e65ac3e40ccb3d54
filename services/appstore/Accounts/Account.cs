namespace ExApps.AppStore.Accounts;

public sealed record Account(long Id, string Username, string Email, bool EmailVerified, bool IsActive, bool IsSuperuser);

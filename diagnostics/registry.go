package diagnostics

import "sync"

// builtinRules lists every rule flaskguard ships, one file each.
var builtinRules = []*Rule{
	FG101SessionCookieNotSecure,
	FG102SessionCookieHTTPOnlyDisabled,
	FG103SessionCookieSameSiteMissing,
	FG104SetCookieWithoutFlags,
	FG105RememberCookieNotSecure,
	FG201CSRFProtectionMissing,
	FG202CSRFDisabled,
	FG203CSRFExemptView,
	FG602UploadSizeUnlimited,
	FG701SecurityHeadersMissing,
	FG801SecretKeyHardcoded,
	FG301MarkupFromDynamicString,
	FG302TemplateStringFromDynamicValue,
	FG303AutoescapeDisabled,
	FG304TemplateSafeFilter,
	FG401DebugRun,
	FG402DebugConfig,
	FG403WerkzeugDebugger,
	FG404DebugInEnvFile,
	FG501AuthViewNotRateLimited,
	FG601UploadFilenameNotSanitized,
	FG603UploadExtensionNotChecked,
	FG802RunOnAllInterfaces,
}

var (
	defaultRegistry     *Registry
	defaultRegistryOnce sync.Once
)

// DefaultRegistry holds the built-in rules.
func DefaultRegistry() *Registry {
	defaultRegistryOnce.Do(func() {
		reg, err := NewRegistry(builtinRules...)
		if err != nil {
			panic(err) // a programming error caught by the registry test
		}
		defaultRegistry = reg
	})
	return defaultRegistry
}

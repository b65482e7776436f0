package diagnostics

import "testing"

func TestIsTestFile(t *testing.T) {
	cases := []struct {
		path, module string
		want         bool
	}{
		{"/home/u/test/proj/app.py", "app", false}, // a folder above the project
		{"/home/u/proj/tests/test_views.py", "tests.test_views", true},
		{"/home/u/proj/tests/helpers.py", "tests.helpers", true},
		{"/home/u/proj/tests/__init__.py", "tests", true},
		{"conftest.py", "conftest", true},
		{"pkg/views_test.py", "pkg.views_test", true},
		{"testing.py", "testing", false},
		{"pkg/attestation.py", "pkg.attestation", false},
	}
	for _, c := range cases {
		if got := isTestFile(&File{Path: c.path, Module: c.module}); got != c.want {
			t.Errorf("isTestFile(%q, %q) = %v, want %v", c.path, c.module, got, c.want)
		}
	}
}

func TestContainsFold(t *testing.T) {
	for _, c := range []struct {
		s, p string
		want bool
	}{{"X-Frame-Options", "x-frame-options", true}, {"_CSRF_token", "csrf", true}, {"csr", "csrf", false}, {"", "a", false}} {
		if got := containsFold([]byte(c.s), c.p); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v", c.s, c.p, got)
		}
	}
}

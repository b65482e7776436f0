;;; flaskguard-lsp-mode.el --- flaskguard with lsp-mode  -*- lexical-binding: t; -*-

;; flaskguard finds Flask security mistakes; its language server is
;; `flaskguard serve' (LSP over stdio).
;;
;; Usage: put the `flaskguard' binary on `exec-path', install lsp-mode, then
;;
;;   (with-eval-after-load 'lsp-mode
;;     (load "/path/to/flaskguard/editors/emacs/flaskguard-lsp-mode.el"))
;;   (add-hook 'python-mode-hook #'lsp-deferred)
;;
;; flaskguard is registered as an add-on server: it runs next to your Python
;; server (pylsp, pyright, ...) instead of replacing it.

;;; Code:

(require 'lsp-mode)

(defgroup lsp-flaskguard nil
  "Flask security linter (flaskguard) through lsp-mode."
  :group 'lsp-mode)

(defcustom lsp-flaskguard-command '("flaskguard" "serve")
  "The command that starts flaskguard's language server."
  :type '(repeat string)
  :group 'lsp-flaskguard)

(defcustom lsp-flaskguard-options '(:logLevel "info")
  "Options for flaskguard's server, a plist.
Sent as initializationOptions and, under the `flaskguard' section,
as workspace/didChangeConfiguration settings.  Every key is optional
\(absent = the server's default); lists are vectors:

  :select   [\"FG4\"]              rule codes or prefixes to enable (default: all)
  :ignore   [\"FG802\"]            rule codes or prefixes to disable
  :severity (:FG401 \"warning\")   per rule: error, warning, information, hint
  :logLevel \"info\"               server log level: debug, info, warn, error"
  :type 'plist
  :group 'lsp-flaskguard)

(add-to-list 'lsp-language-id-configuration '(jinja2-mode . "jinja"))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection (lambda () lsp-flaskguard-command))
  :activation-fn (lsp-activate-on "python" "jinja" "html")
  :server-id 'flaskguard
  :add-on? t
  :priority -2
  :initialization-options (lambda () lsp-flaskguard-options)
  :initialized-fn (lambda (workspace)
                    (with-lsp-workspace workspace
                      (lsp--set-configuration
                       (list :flaskguard lsp-flaskguard-options))))))

(provide 'flaskguard-lsp-mode)
;;; flaskguard-lsp-mode.el ends here

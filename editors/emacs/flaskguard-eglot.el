;;; flaskguard-eglot.el --- flaskguard with eglot  -*- lexical-binding: t; -*-

;; flaskguard finds Flask security mistakes; its language server is
;; `flaskguard serve' (LSP over stdio).
;;
;; Usage: put the `flaskguard' binary on `exec-path', then either load this
;; file from init.el,
;;
;;   (load "/path/to/flaskguard/editors/emacs/flaskguard-eglot.el")
;;
;; or copy the forms below into init.el.  Then M-x eglot in a Python buffer
;; (or (add-hook 'python-mode-hook #'eglot-ensure)).
;;
;; Eglot runs one server per buffer: with this entry flaskguard is *the*
;; server of Python buffers.  To run flaskguard next to another Python
;; server, use lsp-mode and flaskguard-lsp-mode.el instead.
;;
;; Works with eglot 1.9 (Debian's elpa-eglot, Emacs 28) and the eglot built
;; into Emacs 29 and later.

;;; Code:

(require 'eglot)

(defgroup flaskguard nil
  "Flask security linter (flaskguard) through eglot."
  :group 'tools)

(defcustom flaskguard-command '("flaskguard" "serve")
  "The command that starts flaskguard's language server."
  :type '(repeat string))

(defcustom flaskguard-options '(:logLevel "info")
  "Options for flaskguard's server, a plist.
Sent as initializationOptions and, under the `flaskguard' section,
as workspace/didChangeConfiguration settings.  Every key is optional
\(absent = the server's default); lists are vectors:

  :select   [\"FG4\"]              rule codes or prefixes to enable (default: all)
  :ignore   [\"FG802\"]            rule codes or prefixes to disable
  :severity (:FG401 \"warning\")   per rule: error, warning, information, hint
  :logLevel \"info\"               server log level: debug, info, warn, error"
  :type 'plist)

(defcustom flaskguard-modes
  '(python-mode python-ts-mode jinja2-mode mhtml-mode html-mode web-mode)
  "Major modes whose buffers flaskguard checks."
  :type '(repeat symbol))

(defun flaskguard--initialization-options (_server)
  "The initializationOptions for flaskguard (`flaskguard-options')."
  flaskguard-options)

;; The server program.  `add-to-list' puts it first, ahead of the entries
;; eglot ships for Python, so eglot picks flaskguard for these modes.
(add-to-list 'eglot-server-programs
             `(,flaskguard-modes
               . (,@flaskguard-command
                  :initializationOptions flaskguard--initialization-options)))

;; Settings sent with workspace/didChangeConfiguration, under the
;; `flaskguard' section.  Kept as a function so that later changes to
;; `flaskguard-options' are picked up; set only when nothing else is
;; configured, so a project's .dir-locals.el still wins, e.g.
;;   ((python-mode . ((eglot-workspace-configuration
;;                     . (:flaskguard (:ignore ["FG802"]))))))
(defun flaskguard-workspace-configuration (_server)
  "Workspace configuration with flaskguard's section."
  (list :flaskguard flaskguard-options))

(unless (default-value 'eglot-workspace-configuration)
  (setq-default eglot-workspace-configuration #'flaskguard-workspace-configuration))

(provide 'flaskguard-eglot)
;;; flaskguard-eglot.el ends here

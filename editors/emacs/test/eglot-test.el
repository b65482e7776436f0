;;; eglot-test.el --- headless eglot test for flaskguard  -*- lexical-binding: t; -*-

;; Loads ../flaskguard-eglot.el into a bare Emacs, opens a scratch copy of
;; editors/testdata/flask_debug/app.py, starts eglot with the entry that file
;; adds to `eglot-server-programs', waits for flaskguard's FG401 in Flymake,
;; applies the preferred quick fix the way `M-x eglot-code-actions' does when
;; the user accepts the default, and waits for FG401 to go away.
;;
;; Run (flaskguard on PATH, FLASKGUARD_WORKDIR a scratch copy of the fixture):
;;   emacs --batch -Q -l editors/emacs/test/eglot-test.el
;; Prints one ok/not ok line per check and "emacs: N passed, M failed";
;; exits non-zero on any failure.

;;; Code:

(require 'package)
(setq package-directory-list
      (append '("/usr/share/emacs/site-lisp/elpa") package-directory-list))
(setq package-user-dir (make-temp-file "fg-elpa-" t))
(package-initialize)
(require 'cl-lib)
(require 'eglot)
(require 'flymake)

(defconst fg-test-dir (file-name-directory (or load-file-name buffer-file-name)))
(defconst fg-timeout 10.0)
(defvar fg-passed 0)
(defvar fg-failed 0)

(defun fg-out (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))

(defmacro fg-check (name &rest body)
  "Run BODY as check NAME; a signalled error is a failure."
  (declare (indent 1))
  `(condition-case err
       (progn ,@body
              (cl-incf fg-passed)
              (fg-out "ok - %s" ,name)
              t)
     (error
      (cl-incf fg-failed)
      (fg-out "not ok - %s\n    %S" ,name err)
      nil)))

(defun fg-finish ()
  (fg-out "emacs: %d passed, %d failed" fg-passed fg-failed)
  (kill-emacs (if (> fg-failed 0) 1 0)))

(defun fg-wait (pred)
  "Pump events until PRED returns non-nil or `fg-timeout' passes."
  (let ((deadline (+ (float-time) fg-timeout)) val)
    (while (and (not (setq val (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      ;; Batch Emacs has no command loop: run what it would run.
      (when eglot--managed-mode
        (when eglot--recent-changes (eglot--signal-textDocument/didChange))
        (flymake-start)))
    val))

(defun fg-flaskguard-diags (code)
  (cl-remove-if-not
   (lambda (d) (string-match-p (format "\\`flaskguard \\[%s\\]: " code) (flymake-diagnostic-text d)))
   (flymake-diagnostics)))

(defvar fg-server nil)
(defvar fg-buffer nil)
(defvar fg-workdir (getenv "FLASKGUARD_WORKDIR"))

(fg-check "flaskguard-eglot.el loads and registers `flaskguard serve' for python-mode"
  (unless fg-workdir (error "FLASKGUARD_WORKDIR is not set"))
  (load (expand-file-name "../flaskguard-eglot.el" fg-test-dir) nil t)
  (let ((entry (cl-find-if (lambda (e) (and (listp (car e)) (memq 'python-mode (car e))))
                           eglot-server-programs)))
    (unless entry (error "no eglot-server-programs entry for python-mode"))
    (unless (eq entry (car eglot-server-programs)) (error "flaskguard's entry is not first"))
    (unless (equal (cl-subseq (cdr entry) 0 2) '("flaskguard" "serve"))
      (error "contact is %S" (cdr entry))))
  (unless (executable-find "flaskguard") (error "flaskguard not on exec-path: %s" (getenv "PATH"))))

(unless (= fg-failed 0) (fg-finish))

(fg-check "eglot connects to flaskguard for app.py (python-mode)"
  (setq fg-buffer (find-file-noselect (expand-file-name "app.py" fg-workdir)))
  (set-buffer fg-buffer)
  (unless (eq major-mode 'python-mode) (error "major mode is %s" major-mode))
  (let ((guess (eglot--guess-contact)))
    (unless (equal (cl-subseq (nth 3 guess) 0 2) '("flaskguard" "serve"))
      (error "eglot would start %S" (nth 3 guess)))
    (setq fg-server (apply #'eglot guess)))
  (unless (fg-wait (lambda () (and (eglot-current-server) eglot--managed-mode)))
    (error "buffer not managed by eglot"))
  (unless (equal (process-command (jsonrpc--process fg-server)) '("flaskguard" "serve"))
    (error "process command %S" (process-command (jsonrpc--process fg-server)))))

(unless (= fg-failed 0) (fg-finish))

(fg-check "initializationOptions and the workspace configuration carry `flaskguard-options'"
  (unless (equal (eglot-initialization-options fg-server) flaskguard-options)
    (error "initializationOptions %S" (eglot-initialization-options fg-server)))
  (let ((conf (eglot--workspace-configuration-plist fg-server)))
    (unless (equal (plist-get conf :flaskguard) flaskguard-options)
      (error "workspace configuration %S" conf))))

(fg-check "flaskguard's FG401 reaches Flymake on line 5"
  (let ((diags (fg-wait (lambda () (fg-flaskguard-diags "FG401")))))
    (unless diags (error "no FG401; flymake has %S" (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
    (unless (= (length diags) 1) (error "%d FG401 diagnostics" (length diags)))
    (unless (= (line-number-at-pos (flymake-diagnostic-beg (car diags))) 5)
      (error "FG401 on line %d" (line-number-at-pos (flymake-diagnostic-beg (car diags)))))))

(fg-check "M-x eglot-code-actions offers \"Remove debug=True\" as the default and applies it"
  (goto-char (point-min))
  (forward-line 4)
  (let* ((offered nil)
         (last-nonmenu-event ?a)        ; a keyboard event: use completing-read, not a popup
         (completing-read-function
          ;; (PROMPT COLLECTION PREDICATE REQUIRE-MATCH INITIAL HIST DEF ...)
          (lambda (_prompt collection _pred _req _init _hist def &rest _)
            (setq offered (mapcar #'car collection))
            def)))                      ; the default, as RET would pick
    (eglot-code-actions (line-beginning-position) (line-end-position) nil t)
    (unless (member "Ignore FG401 for this line" offered)
      (error "offered %S" offered))
    (unless (member "Remove debug=True" offered)
      (error "offered %S" offered)))
  (let ((line5 (save-excursion (goto-char (point-min)) (forward-line 4)
                               (buffer-substring-no-properties (line-beginning-position) (line-end-position)))))
    (unless (equal line5 "    app.run()") (error "line 5 is %S" line5))))

(fg-check "FG401 goes away after the edit"
  (unless (fg-wait (lambda () (null (fg-flaskguard-diags "FG401"))))
    (error "FG401 still reported: %S" (mapcar #'flymake-diagnostic-text (fg-flaskguard-diags "FG401")))))

(fg-check "shutdown + exit: the server exits with 0"
  ;; What `eglot-shutdown' sends; eglot 1.9 then deletes the process at once
  ;; (SIGKILL) if its sentinel has not run yet, so send them here and wait.
  (let ((proc (jsonrpc--process fg-server)))
    (set-buffer-modified-p nil)
    (setf (eglot--shutdown-requested fg-server) t)
    (jsonrpc-request fg-server :shutdown nil :timeout fg-timeout)
    (jsonrpc-notify fg-server :exit nil)
    (fg-wait (lambda () (not (process-live-p proc))))
    (when (process-live-p proc) (error "server still running"))
    (unless (= (process-exit-status proc) 0) (error "exit status %d" (process-exit-status proc)))))

(fg-finish)

;;; eglot-test.el ends here

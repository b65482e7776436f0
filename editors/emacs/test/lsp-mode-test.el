;;; lsp-mode-test.el --- headless lsp-mode test for flaskguard  -*- lexical-binding: t; -*-

;; Loads ../flaskguard-lsp-mode.el with lsp-mode (Debian's elpa-lsp-mode),
;; opens a scratch copy of editors/testdata/flask_debug/app.py, starts lsp,
;; waits for flaskguard's FG401, applies "Remove debug=True" with
;; `lsp-execute-code-action' and waits for FG401 to go away.
;;
;; Run (flaskguard on PATH, FLASKGUARD_WORKDIR a scratch copy of the fixture):
;;   emacs --batch -Q -l editors/emacs/test/lsp-mode-test.el
;; Prints one ok/not ok line per check and "emacs-lsp-mode: N passed, M failed".

;;; Code:

(require 'package)
(setq package-directory-list
      (append '("/usr/share/emacs/site-lisp/elpa") package-directory-list))
(setq package-user-dir (make-temp-file "fg-elpa-" t))
(package-initialize)
(require 'cl-lib)

(defconst fg-test-dir (file-name-directory (or load-file-name buffer-file-name)))
(defconst fg-timeout 10.0)
(defvar fg-passed 0)
(defvar fg-failed 0)

(defun fg-out (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))

(defmacro fg-check (name &rest body)
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
  (fg-out "emacs-lsp-mode: %d passed, %d failed" fg-passed fg-failed)
  (kill-emacs (if (> fg-failed 0) 1 0)))

(defun fg-wait (pred)
  (let ((deadline (+ (float-time) fg-timeout)) val)
    (while (and (not (setq val (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      ;; Batch Emacs never goes idle: send what an idle timer would (a
      ;; debounced full-text didChange; incremental changes go at once).
      (when (fboundp 'lsp--flush-delayed-changes) (lsp--flush-delayed-changes)))
    val))

;; A bare, non-interactive lsp-mode: no session prompts, no other clients.
(setq lsp-session-file (make-temp-file "fg-lsp-session-")
      lsp-auto-guess-root t
      lsp-client-packages nil
      lsp-enable-file-watchers nil
      lsp-enable-snippet nil
      lsp-restart 'ignore
      lsp-keep-workspace-alive nil)

(defvar fg-workdir (getenv "FLASKGUARD_WORKDIR"))
(defvar fg-file nil)

(defun fg-fg401 ()
  (cl-remove-if-not
   (lambda (d) (and (equal (gethash "source" d) "flaskguard") (equal (gethash "code" d) "FG401")))
   (gethash fg-file (lsp-diagnostics t))))

(fg-check "flaskguard-lsp-mode.el registers flaskguard as an add-on client"
  (unless fg-workdir (error "FLASKGUARD_WORKDIR is not set"))
  (require 'lsp-mode)
  (load (expand-file-name "../flaskguard-lsp-mode.el" fg-test-dir) nil t)
  (let ((client (gethash 'flaskguard lsp-clients)))
    (unless client (error "no flaskguard client"))
    (unless (lsp--client-add-on? client) (error "not an add-on")))
  (unless (executable-find "flaskguard") (error "flaskguard not on exec-path")))

(unless (= fg-failed 0) (fg-finish))

(fg-check "lsp starts `flaskguard serve' for app.py and receives FG401"
  (setq fg-file (expand-file-name "app.py" fg-workdir))
  (set-buffer (find-file-noselect fg-file))
  (lsp)
  (unless (fg-wait (lambda () (cl-some (lambda (w) (eq (lsp--workspace-status w) 'initialized)) (lsp-workspaces))))
    (error "no initialized workspace"))
  (let* ((ws (cl-find 'flaskguard (lsp-workspaces) :key (lambda (w) (lsp--client-server-id (lsp--workspace-client w)))))
         (cmd (and ws (process-command (lsp--workspace-cmd-proc ws)))))
    (unless (and cmd (equal (file-name-nondirectory (car cmd)) "flaskguard") (equal (cdr cmd) '("serve")))
      (error "started %S" cmd)))
  (unless (fg-wait #'fg-fg401)
    (error "no FG401; diagnostics %S" (hash-table-keys (lsp-diagnostics t))))
  (let ((d (car (fg-fg401))))
    (unless (= 4 (gethash "line" (gethash "start" (gethash "range" d))))
      (error "FG401 not on line 5"))))

(fg-check "lsp-execute-code-action applies \"Remove debug=True\""
  ;; Point on the finding, as a user would put it (lsp-mode sends the
  ;; diagnostics under point as the request's context).
  (let ((start (gethash "start" (gethash "range" (car (fg-fg401))))))
    (goto-char (point-min))
    (forward-line (gethash "line" start))
    (forward-char (1+ (gethash "character" start))))
  (let* ((actions (lsp-code-actions-at-point))
         (titles (mapcar (lambda (a) (lsp:code-action-title a)) actions))
         (fix (cl-find "Remove debug=True" actions :key #'lsp:code-action-title :test #'equal)))
    (unless fix (error "actions %S" titles))
    (unless (member "Ignore FG401 for this line" titles) (error "actions %S" titles))
    (lsp-execute-code-action fix))
  (let ((line5 (save-excursion (goto-char (point-min)) (forward-line 4)
                               (buffer-substring-no-properties (line-beginning-position) (line-end-position)))))
    (unless (equal line5 "    app.run()") (error "line 5 is %S" line5))))

(fg-check "FG401 goes away after the edit"
  (unless (fg-wait (lambda () (null (fg-fg401))))
    (error "FG401 still reported")))

(fg-check "shutdown + exit: the server exits with 0"
  (let* ((ws (car (lsp-workspaces)))
         (proc (lsp--workspace-cmd-proc ws)))
    (set-buffer-modified-p nil)
    ;; What `lsp-workspace-shutdown' sends (it may kill the process before
    ;; the exit notification is read, so send them here and wait).
    (with-lsp-workspace ws
      (lsp-request "shutdown" nil)
      (lsp-notify "exit" nil))
    (fg-wait (lambda () (not (process-live-p proc))))
    (when (process-live-p proc) (error "still running"))
    (unless (= 0 (process-exit-status proc)) (error "exit status %d" (process-exit-status proc)))))

(fg-finish)

;;; lsp-mode-test.el ends here

;;; eglot_session.el --- One scripted Kerasense session in Emacs with eglot  -*- lexical-binding: t -*-

;; Open a model with a softmax head on one unit, start Kerasense with M-x eglot, wait for
;; flymake to show KS101, run `eglot-code-actions' on the diagnostic and accept the default
;; choice (eglot's default is the preferred action), check the line now says "sigmoid" and
;; that the server then publishes diagnostics without KS101.
;;
;;   emacs --batch -Q -l tests/editors/eglot_session.el [MODEL]
;;
;; MODEL defaults to tests/editors/workspace/model.py; it is copied into a temporary folder
;; first.  KERASENSE_PYTHON names the Python that runs the server (default: the project's
;; .venv), KERASENSE_EDITOR_TIMEOUT the seconds each wait may take (default 30).
;; Exit status 0 when every step passed, 1 with a message otherwise.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(defconst kse-started (float-time))
(defconst kse-here (file-name-directory (or load-file-name buffer-file-name)))
(defconst kse-root (expand-file-name "../../" kse-here))
(defconst kse-source
  (expand-file-name (or (pop command-line-args-left)
                        (expand-file-name "workspace/model.py" kse-here))))
(defconst kse-python
  (or (getenv "KERASENSE_PYTHON") (expand-file-name ".venv/bin/python" kse-root)))
(defconst kse-timeout
  (string-to-number (or (getenv "KERASENSE_EDITOR_TIMEOUT") "30")))
(defconst kse-code "KS101")
(defconst kse-fix-title "Use a sigmoid activation")
(defconst kse-fixed "activation=\"sigmoid\"")

(defvar kse-workdir nil "The temporary folder.")
(defvar kse-uri nil "The URI of the model's copy.")
(defvar kse-publishes 0 "publishDiagnostics received for the model.")
(defvar kse-last-publish nil "The diagnostics of the last publishDiagnostics, a vector.")

(defun kse-log (format-string &rest args)
  (princ (format "[emacs %6.2fs] %s\n" (- (float-time) kse-started)
                 (apply #'format format-string args))))

(defun kse-finish (status)
  (ignore-errors
    (when-let ((server (and (fboundp 'eglot-current-server) (eglot-current-server))))
      (with-timeout (3 nil) (eglot-shutdown server))))
  (when kse-workdir (ignore-errors (delete-directory kse-workdir t)))
  (kill-emacs status))

(defun kse-fail (format-string &rest args)
  (kse-log "FAIL: %s" (apply #'format format-string args))
  (kse-finish 1))

(defun kse-wait (predicate)
  "Let Emacs run (processes, timers) until PREDICATE is non-nil or the timeout passes."
  (let* ((start (current-time))
         (deadline (+ (float-time start) kse-timeout))
         value)
    (while (and (not (setq value (funcall predicate)))
                (< (float-time) deadline))
      (accept-process-output nil 0.05)
      (kse-run-idle-timers (time-subtract nil start)))
    value))

(defun kse-run-idle-timers (idle)
  "Run the one-shot idle timers due after IDLE seconds of idleness.
Batch Emacs is never idle, so its idle timers never fire by themselves; eglot sends
didChange from one.  Time spent waiting in `kse-wait' counts as idle time, as it would
in an interactive Emacs with nobody typing."
  (dolist (timer (copy-sequence timer-idle-list))
    (when (and (not (timer--repeat-delay timer))
               (time-less-p (timer--time timer) idle))
      (cancel-timer timer)
      (apply (timer--function timer) (timer--args timer)))))

(defun kse-lsp-diagnostic (diag)
  "The LSP diagnostic behind the flymake diagnostic DIAG."
  (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data diag))))

(defun kse-flymake-with-code (code)
  (cl-find-if (lambda (diag)
                (equal (plist-get (kse-lsp-diagnostic diag) :code) code))
              (flymake-diagnostics)))

(defun kse-codes (diagnostics)
  "\"KS101@7, ...\" for a list or vector of LSP DIAGNOSTICS."
  (let ((seen (mapcar (lambda (d)
                        (format "%s@%d" (plist-get d :code)
                                (1+ (plist-get (plist-get (plist-get d :range) :start)
                                               :line))))
                      diagnostics)))
    (if seen (string-join seen ", ") "none")))

(defun kse-flymake-codes ()
  (kse-codes (mapcar #'kse-lsp-diagnostic (flymake-diagnostics))))

(defun kse-count-publishes (_server method &rest params)
  "Count the publishDiagnostics eglot receives for the model (advice)."
  (when (and (eq method 'textDocument/publishDiagnostics)
             (equal (plist-get params :uri) kse-uri))
    (setq kse-publishes (1+ kse-publishes)
          kse-last-publish (plist-get params :diagnostics))
    (kse-log "publish #%d: %s" kse-publishes (kse-codes kse-last-publish))))

(defun kse-session ()
  (kse-log "Emacs %s, server: %s -m kerasense serve" emacs-version kse-python)
  (unless (file-readable-p kse-source) (kse-fail "no model file at %s" kse-source))
  (unless (file-executable-p kse-python)
    (kse-fail "no Python at %s (set KERASENSE_PYTHON)" kse-python))

  (setq kse-workdir (file-name-as-directory (make-temp-file "kerasense-eglot-" t)))
  ;; Debian's elpa-eglot lives outside the folders `package-initialize' reads under -Q;
  ;; the user's own packages (~/.emacs.d/elpa) stay out.
  (setq package-user-dir (expand-file-name "elpa" kse-workdir))
  (add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
  (package-initialize)
  (unless (require 'eglot nil t)
    (kse-fail "eglot is not installed (Debian: apt-get install elpa-eglot)"))
  (require 'flymake)
  (kse-log "eglot %s" (or (ignore-errors
                            (package-version-join
                             (package-desc-version (cadr (assq 'eglot package-alist)))))
                          "built in"))
  (setq eglot-server-programs
        `((python-mode ,kse-python "-m" "kerasense" "serve"))
        eglot-sync-connect t
        eglot-connect-timeout kse-timeout
        eglot-autoshutdown t)

  (let ((path (expand-file-name "model.py" kse-workdir)))
    (copy-file kse-source path)
    (require 'python)
    (setq python-indent-guess-indent-offset nil)
    (find-file path))
  (unless (derived-mode-p 'python-mode)
    (kse-fail "%s opened in %s, not python-mode" (buffer-name) major-mode))
  (setq kse-uri (eglot--path-to-uri buffer-file-name))
  (advice-add 'eglot-handle-notification :before #'kse-count-publishes)

  ;; M-x eglot, as a user would start it (eglot-ensure waits for a command loop).
  (call-interactively #'eglot)
  (unless (and (eglot-current-server) eglot--managed-mode)
    (kse-fail "eglot is not managing the buffer"))
  (kse-log "eglot connected and managing %s" (buffer-name))
  (flymake-start)

  ;; 1. The diagnostic, as flymake shows it.
  (let ((diag (kse-wait (lambda ()
                          (or (kse-flymake-with-code kse-code)
                              (progn (unless (flymake-running-backends) (flymake-start))
                                     nil))))))
    (unless diag
      (kse-fail "no %s flymake diagnostic within %s s (flymake: %s, published: %s)"
                kse-code kse-timeout (kse-flymake-codes)
                (kse-codes kse-last-publish)))
    (let ((line (line-number-at-pos (flymake-diagnostic-beg diag))))
      (unless (= line 7) (kse-fail "%s on line %d, expected line 7" kse-code line))
      (kse-log "%s on line %d: %s" kse-code line (flymake-diagnostic-text diag)))

    ;; 2. and 3. M-x eglot-code-actions on the diagnostic; the user takes the default
    ;; choice, which eglot makes the preferred action.  Batch Emacs has no minibuffer,
    ;; so the answer is given here, and the offer is recorded.
    (let ((offered nil)
          (default nil)
          (before kse-publishes))
      (let ((completing-read-function
             (lambda (prompt collection &optional _pred _match _initial _hist def &rest _)
               (setq offered (mapcar #'car collection)
                     default (if (consp def) (car def) def))
               (kse-log "eglot asks %S, offering: %s" prompt (string-join offered "; "))
               default))
            (last-nonmenu-event ?\r))       ; chosen from the keyboard, not a mouse menu
        (condition-case err
            (eglot-code-actions (flymake-diagnostic-beg diag)
                                (flymake-diagnostic-end diag) nil t)
          (error (kse-fail "eglot-code-actions failed: %s"
                           (error-message-string err)))))
      (unless (equal default kse-fix-title)
        (kse-fail "eglot's default (preferred) action is %S, expected %S (offered: %S)"
                  default kse-fix-title offered))
      (let ((line (save-excursion
                    (goto-char (point-min))
                    (forward-line 6)
                    (buffer-substring-no-properties (line-beginning-position)
                                                    (line-end-position)))))
        (kse-log "line 7 now: %s" line)
        (unless (string-search kse-fixed line)
          (kse-fail "line 7 does not contain %s: %s" kse-fixed line))
        (when (string-search "softmax" line)
          (kse-fail "line 7 still says softmax: %s" line)))

      ;; 4. The server sees the change and publishes again, without KS101.
      (unless (kse-wait (lambda ()
                          (and (> kse-publishes before)
                               (not (cl-find kse-code kse-last-publish
                                             :key (lambda (d) (plist-get d :code))
                                             :test #'equal))
                               (not (kse-flymake-with-code kse-code)))))
        (kse-fail "%s still reported after the fix (last publish: %s, flymake: %s)"
                  kse-code (kse-codes kse-last-publish) (kse-flymake-codes)))
      (kse-log "%s gone after the fix (flymake now: %s)" kse-code (kse-flymake-codes)))))

(condition-case err
    (kse-session)
  (error (kse-fail "error: %s" (error-message-string err))))
(kse-log "PASS")
(kse-finish 0)

;;; eglot_session.el ends here

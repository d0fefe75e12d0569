(let ((s (read-line)))
  (format t "hello ~a~%" s))

;; C[M×N] (+)= A[M×K] · B[K×N] on float32 with 128-bit SIMD (f32x4), accumulating in float32.
;;
;; Assembled by scripts/assemble-wasm.mjs into gemm-module.ts; src/impl/gemm-wasm.ts drives it.
;; Operands live in this module's memory at byte addresses chosen by the caller, above `arena`;
;; strides are in elements. C is dense: row i starts at c + i·ldc·4.
;;
;; Two kernels:
;;  gemmNN  outer products, for any strides. A is packed into strips of 4 rows, B into panels of
;;          8 columns (or read in place when its rows are contiguous), and a 4×8 micro-kernel keeps
;;          8 f32x4 accumulators: per k, one splat of A per row times two vectors of B.
;;  gemmNT  dot products, when both A's rows and B's columns are contiguous along K (A·Bᵀ with B
;;          row-major, the filter gradient of a convolution, a linear layer): no packing at all, a
;;          2×4 tile of f32x4 accumulators over 4 k at a time, reduced across lanes at the end.
;;
;; Also im2col and col2im, so that a convolution's column matrix is built and consumed here.
;;
;; Memory map (bytes): [0, 64) tail masks · [64, 192) tile spill · [256, 8448) edge panel of B ·
;; [8448, 139520) packed A · [139520, 1188096) packed B · [arena, …) operands, grown by the caller.
(module
  (memory (export "memory") 19)
  (global (export "arena") i32 (i32.const 1245184))

  ;; masks[t] keeps the last t lanes of a vector: the K % 4 leftover products of a dot product.
  (data (i32.const 16) "\00\00\00\00\00\00\00\00\00\00\00\00\ff\ff\ff\ff")
  (data (i32.const 32) "\00\00\00\00\00\00\00\00\ff\ff\ff\ff\ff\ff\ff\ff")
  (data (i32.const 48) "\00\00\00\00\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff")

  ;; Blocking: KC values of k per packed block, MC rows of A, NC columns of B.
  ;;   KC = 256, MC = 128, NC = 1024

  ;; C tile (mr × nr, row r at TILE + r·rowBytes) stored into, or added to, C.
  (func $storeTile (param $c i32) (param $ldc i32) (param $mr i32) (param $nr i32) (param $rowBytes i32) (param $load i32)
    (local $r i32) (local $j i32) (local $src i32) (local $dst i32) (local $v f32)
    (loop $rows
      (local.set $src (i32.add (i32.const 64) (i32.mul (local.get $r) (local.get $rowBytes))))
      (local.set $dst (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $ldc))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $v (f32.load (local.get $src)))
        (if (local.get $load)
          (then (local.set $v (f32.add (f32.load (local.get $dst)) (local.get $v)))))
        (f32.store (local.get $dst) (local.get $v))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $nr))))
      (br_if $rows (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $mr)))))

  ;; Pack `count` lines (of a panel `width` = 4 or 8 lines wide) of kc values into dst, value k of
  ;; line l at dst + (k·width + l)·4; lines count..width-1 are zero. Line l, value k is read at
  ;; src + l·lineStride + k·kStride (bytes).
  (func $packPanel (param $src i32) (param $lineStride i32) (param $kStride i32) (param $count i32)
                   (param $kc i32) (param $width i32) (param $dst i32)
    (local $l i32) (local $k i32) (local $from i32) (local $to i32) (local $step i32)
    (local.set $step (i32.shl (local.get $width) (i32.const 2)))
    ;; Lines next to each other in memory and a full panel: copy 4 lines at a time.
    (if (i32.and (i32.eq (local.get $lineStride) (i32.const 4)) (i32.eq (local.get $count) (local.get $width)))
      (then
        (loop $k4
          (v128.store (local.get $dst) (v128.load (local.get $src)))
          (if (i32.eq (local.get $width) (i32.const 8))
            (then (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))))
          (local.set $src (i32.add (local.get $src) (local.get $kStride)))
          (local.set $dst (i32.add (local.get $dst) (local.get $step)))
          (br_if $k4 (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $kc))))
        (return)))
    (loop $lines
      (local.set $to (i32.add (local.get $dst) (i32.shl (local.get $l) (i32.const 2))))
      (local.set $k (i32.const 0))
      (if (i32.lt_u (local.get $l) (local.get $count))
        (then
          (local.set $from (i32.add (local.get $src) (i32.mul (local.get $l) (local.get $lineStride))))
          (loop $values
            (f32.store (local.get $to) (f32.load (local.get $from)))
            (local.set $from (i32.add (local.get $from) (local.get $kStride)))
            (local.set $to (i32.add (local.get $to) (local.get $step)))
            (br_if $values (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $kc)))))
        (else
          (loop $zeros
            (f32.store (local.get $to) (f32.const 0))
            (local.set $to (i32.add (local.get $to) (local.get $step)))
            (br_if $zeros (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $kc))))))
      (br_if $lines (i32.lt_u (local.tee $l (i32.add (local.get $l) (i32.const 1))) (local.get $width)))))

  ;; The 4×8 micro-kernel: C[4×8 at c] (+)= Ap[4×kc] · B[kc×8]. Ap is a packed strip (k-major, 4
  ;; values per k); row k of B starts at b + k·bStep. Only mr rows and nr columns are written.
  (func $kernel4x8 (param $a i32) (param $b i32) (param $bStep i32) (param $kc i32)
                   (param $c i32) (param $ldc i32) (param $mr i32) (param $nr i32) (param $load i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128) (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $kc) (i32.const 4))))
    (loop $k
      (local.set $b0 (v128.load (local.get $b)))
      (local.set $b1 (v128.load offset=16 (local.get $b)))
      (local.set $x (v128.load32_splat (local.get $a)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=4 (local.get $a)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=8 (local.get $a)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=12 (local.get $a)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $b (i32.add (local.get $b) (local.get $bStep)))
      (br_if $k (i32.lt_u (local.tee $a (i32.add (local.get $a) (i32.const 16))) (local.get $end))))
    (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 8)))
      (then
        (if (local.get $load)
          (then
            (local.set $c00 (f32x4.add (v128.load (local.get $c)) (local.get $c00)))
            (local.set $c01 (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c01)))
            (local.set $c10 (f32x4.add (v128.load (i32.add (local.get $c) (local.get $ldc))) (local.get $c10)))
            (local.set $c11 (f32x4.add (v128.load offset=16 (i32.add (local.get $c) (local.get $ldc))) (local.get $c11)))
            (local.set $c20 (f32x4.add (v128.load (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1)))) (local.get $c20)))
            (local.set $c21 (f32x4.add (v128.load offset=16 (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1)))) (local.get $c21)))
            (local.set $c30 (f32x4.add (v128.load (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3)))) (local.get $c30)))
            (local.set $c31 (f32x4.add (v128.load offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3)))) (local.get $c31)))))
        (v128.store (local.get $c) (local.get $c00))
        (v128.store offset=16 (local.get $c) (local.get $c01))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c10))
        (v128.store offset=16 (local.get $c) (local.get $c11))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c20))
        (v128.store offset=16 (local.get $c) (local.get $c21))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c30))
        (v128.store offset=16 (local.get $c) (local.get $c31))
        (return)))
    ;; Edge tile: spill to the tile buffer (rows of 32 bytes) and write what exists.
    (v128.store offset=64 (i32.const 0) (local.get $c00))
    (v128.store offset=80 (i32.const 0) (local.get $c01))
    (v128.store offset=96 (i32.const 0) (local.get $c10))
    (v128.store offset=112 (i32.const 0) (local.get $c11))
    (v128.store offset=128 (i32.const 0) (local.get $c20))
    (v128.store offset=144 (i32.const 0) (local.get $c21))
    (v128.store offset=160 (i32.const 0) (local.get $c30))
    (v128.store offset=176 (i32.const 0) (local.get $c31))
    (call $storeTile (local.get $c) (local.get $ldc) (local.get $mr) (local.get $nr) (i32.const 32) (local.get $load)))

  ;; C (+)= A·B for any strides (elements). packB = 0 reads full panels of B in place, which needs
  ;; bColStride = 1; the last, partial panel is always packed. M, N, K ≥ 1.
  (func (export "gemmNN") (param $M i32) (param $N i32) (param $K i32)
        (param $a i32) (param $aRowStride i32) (param $aColStride i32)
        (param $b i32) (param $bRowStride i32) (param $bColStride i32)
        (param $c i32) (param $ldc i32) (param $accumulate i32) (param $packB i32)
    (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32)
    (local $load i32) (local $bBlock i32) (local $aBlock i32) (local $p i32) (local $panels i32)
    (local $s i32) (local $strips i32) (local $nr i32) (local $bPanel i32) (local $bStep i32)
    (local.set $aRowStride (i32.shl (local.get $aRowStride) (i32.const 2)))
    (local.set $aColStride (i32.shl (local.get $aColStride) (i32.const 2)))
    (local.set $bRowStride (i32.shl (local.get $bRowStride) (i32.const 2)))
    (local.set $bColStride (i32.shl (local.get $bColStride) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 2)))
    (loop $jcLoop
      (local.set $nc (select (i32.const 1024) (i32.sub (local.get $N) (local.get $jc))
                             (i32.lt_u (i32.const 1024) (i32.sub (local.get $N) (local.get $jc)))))
      (local.set $panels (i32.shr_u (i32.add (local.get $nc) (i32.const 7)) (i32.const 3)))
      (local.set $pc (i32.const 0))
      (loop $pcLoop
        (local.set $kc (select (i32.const 256) (i32.sub (local.get $K) (local.get $pc))
                               (i32.lt_u (i32.const 256) (i32.sub (local.get $K) (local.get $pc)))))
        (local.set $load (i32.or (local.get $accumulate) (i32.ne (local.get $pc) (i32.const 0))))
        (local.set $bBlock (i32.add (local.get $b)
          (i32.add (i32.mul (local.get $pc) (local.get $bRowStride)) (i32.mul (local.get $jc) (local.get $bColStride)))))
        (if (local.get $packB)
          (then
            (local.set $p (i32.const 0))
            (loop $packB
              (call $packPanel
                (i32.add (local.get $bBlock) (i32.mul (i32.shl (local.get $p) (i32.const 3)) (local.get $bColStride)))
                (local.get $bColStride) (local.get $bRowStride)
                (i32.sub (local.get $nc) (i32.shl (local.get $p) (i32.const 3)))
                (local.get $kc) (i32.const 8)
                (i32.add (i32.const 139520) (i32.mul (local.get $p) (i32.shl (local.get $kc) (i32.const 5)))))
              (br_if $packB (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $panels)))))
          (else
            (if (i32.and (local.get $nc) (i32.const 7))
              (then
                (call $packPanel
                  (i32.add (local.get $bBlock) (i32.shl (i32.and (local.get $nc) (i32.const -8)) (i32.const 2)))
                  (i32.const 4) (local.get $bRowStride) (i32.and (local.get $nc) (i32.const 7))
                  (local.get $kc) (i32.const 8) (i32.const 256))))))
        (local.set $ic (i32.const 0))
        (loop $icLoop
          (local.set $mc (select (i32.const 128) (i32.sub (local.get $M) (local.get $ic))
                                 (i32.lt_u (i32.const 128) (i32.sub (local.get $M) (local.get $ic)))))
          (local.set $strips (i32.shr_u (i32.add (local.get $mc) (i32.const 3)) (i32.const 2)))
          (local.set $aBlock (i32.add (local.get $a)
            (i32.add (i32.mul (local.get $ic) (local.get $aRowStride)) (i32.mul (local.get $pc) (local.get $aColStride)))))
          (local.set $s (i32.const 0))
          (loop $packA
            (call $packPanel
              (i32.add (local.get $aBlock) (i32.mul (i32.shl (local.get $s) (i32.const 2)) (local.get $aRowStride)))
              (local.get $aRowStride) (local.get $aColStride)
              (i32.sub (local.get $mc) (i32.shl (local.get $s) (i32.const 2)))
              (local.get $kc) (i32.const 4)
              (i32.add (i32.const 8448) (i32.mul (local.get $s) (i32.shl (local.get $kc) (i32.const 4)))))
            (br_if $packA (i32.lt_u (local.tee $s (i32.add (local.get $s) (i32.const 1))) (local.get $strips))))
          (local.set $p (i32.const 0))
          (loop $panelLoop
            (local.set $nr (i32.sub (local.get $nc) (i32.shl (local.get $p) (i32.const 3))))
            (if (i32.gt_u (local.get $nr) (i32.const 8)) (then (local.set $nr (i32.const 8))))
            (if (local.get $packB)
              (then
                (local.set $bPanel (i32.add (i32.const 139520) (i32.mul (local.get $p) (i32.shl (local.get $kc) (i32.const 5)))))
                (local.set $bStep (i32.const 32)))
              (else
                (if (i32.eq (local.get $nr) (i32.const 8))
                  (then
                    (local.set $bPanel (i32.add (local.get $bBlock) (i32.shl (local.get $p) (i32.const 5))))
                    (local.set $bStep (local.get $bRowStride)))
                  (else
                    (local.set $bPanel (i32.const 256))
                    (local.set $bStep (i32.const 32))))))
            (local.set $s (i32.const 0))
            (loop $stripLoop
              (call $kernel4x8
                (i32.add (i32.const 8448) (i32.mul (local.get $s) (i32.shl (local.get $kc) (i32.const 4))))
                (local.get $bPanel) (local.get $bStep) (local.get $kc)
                (i32.add (local.get $c)
                  (i32.add (i32.mul (i32.add (local.get $ic) (i32.shl (local.get $s) (i32.const 2))) (local.get $ldc))
                           (i32.shl (i32.add (local.get $jc) (i32.shl (local.get $p) (i32.const 3))) (i32.const 2))))
                (local.get $ldc)
                (select (i32.const 4) (i32.sub (local.get $mc) (i32.shl (local.get $s) (i32.const 2)))
                        (i32.gt_u (i32.sub (local.get $mc) (i32.shl (local.get $s) (i32.const 2))) (i32.const 4)))
                (local.get $nr) (local.get $load))
              (br_if $stripLoop (i32.lt_u (local.tee $s (i32.add (local.get $s) (i32.const 1))) (local.get $strips))))
            (br_if $panelLoop (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $panels))))
          (br_if $icLoop (i32.lt_u (local.tee $ic (i32.add (local.get $ic) (i32.const 128))) (local.get $M))))
        (br_if $pcLoop (i32.lt_u (local.tee $pc (i32.add (local.get $pc) (i32.const 256))) (local.get $K))))
      (br_if $jcLoop (i32.lt_u (local.tee $jc (i32.add (local.get $jc) (i32.const 1024))) (local.get $N)))))

  ;; Lanes of four vectors summed: [Σx, Σy, Σz, Σw].
  (func $sum4 (param $x v128) (param $y v128) (param $z v128) (param $w v128) (result v128)
    (local $t v128) (local $u v128)
    ;; t = [x0+x2, y0+y2, x1+x3, y1+y3], u likewise for z and w
    (local.set $t (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x) (local.get $y))
      (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x) (local.get $y))))
    (local.set $u (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $z) (local.get $w))
      (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $z) (local.get $w))))
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t) (local.get $u))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t) (local.get $u))))

  ;; A 2×4 tile of dot products over kc values from rows a0, a1 of A and columns b0…b3 of B (all
  ;; contiguous): kc = 4·quads + tail; the tail reads the 4 values that end the range and masks off
  ;; the ones already counted.
  (func $tileNT (param $a0 i32) (param $a1 i32) (param $b0 i32) (param $b1 i32) (param $b2 i32) (param $b3 i32)
                (param $quads i32) (param $tail i32)
                (param $c i32) (param $ldc i32) (param $mr i32) (param $nr i32) (param $load i32)
    (local $c00 v128) (local $c01 v128) (local $c02 v128) (local $c03 v128)
    (local $c10 v128) (local $c11 v128) (local $c12 v128) (local $c13 v128)
    (local $x0 v128) (local $x1 v128) (local $y v128) (local $mask v128) (local $o i32) (local $end i32)
    (local $r0 v128) (local $r1 v128)
    (local.set $end (i32.shl (local.get $quads) (i32.const 4)))
    (if (local.get $quads)
      (then
        (loop $k
          (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $o))))
          (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $o))))
          (local.set $y (v128.load (i32.add (local.get $b0) (local.get $o))))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load (i32.add (local.get $b1) (local.get $o))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load (i32.add (local.get $b2) (local.get $o))))
          (local.set $c02 (f32x4.add (local.get $c02) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $c12 (f32x4.add (local.get $c12) (f32x4.mul (local.get $x1) (local.get $y))))
          (local.set $y (v128.load (i32.add (local.get $b3) (local.get $o))))
          (local.set $c03 (f32x4.add (local.get $c03) (f32x4.mul (local.get $x0) (local.get $y))))
          (local.set $c13 (f32x4.add (local.get $c13) (f32x4.mul (local.get $x1) (local.get $y))))
          (br_if $k (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end))))))
    (if (local.get $tail)
      (then
        (local.set $mask (v128.load (i32.shl (local.get $tail) (i32.const 4))))
        (local.set $o (i32.sub (local.get $o) (i32.shl (i32.sub (i32.const 4) (local.get $tail)) (i32.const 2))))
        (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $o))))
        (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $o))))
        (local.set $y (v128.load (i32.add (local.get $b0) (local.get $o))))
        (local.set $c00 (f32x4.add (local.get $c00) (v128.and (f32x4.mul (local.get $x0) (local.get $y)) (local.get $mask))))
        (local.set $c10 (f32x4.add (local.get $c10) (v128.and (f32x4.mul (local.get $x1) (local.get $y)) (local.get $mask))))
        (local.set $y (v128.load (i32.add (local.get $b1) (local.get $o))))
        (local.set $c01 (f32x4.add (local.get $c01) (v128.and (f32x4.mul (local.get $x0) (local.get $y)) (local.get $mask))))
        (local.set $c11 (f32x4.add (local.get $c11) (v128.and (f32x4.mul (local.get $x1) (local.get $y)) (local.get $mask))))
        (local.set $y (v128.load (i32.add (local.get $b2) (local.get $o))))
        (local.set $c02 (f32x4.add (local.get $c02) (v128.and (f32x4.mul (local.get $x0) (local.get $y)) (local.get $mask))))
        (local.set $c12 (f32x4.add (local.get $c12) (v128.and (f32x4.mul (local.get $x1) (local.get $y)) (local.get $mask))))
        (local.set $y (v128.load (i32.add (local.get $b3) (local.get $o))))
        (local.set $c03 (f32x4.add (local.get $c03) (v128.and (f32x4.mul (local.get $x0) (local.get $y)) (local.get $mask))))
        (local.set $c13 (f32x4.add (local.get $c13) (v128.and (f32x4.mul (local.get $x1) (local.get $y)) (local.get $mask))))))
    (local.set $r0 (call $sum4 (local.get $c00) (local.get $c01) (local.get $c02) (local.get $c03)))
    (local.set $r1 (call $sum4 (local.get $c10) (local.get $c11) (local.get $c12) (local.get $c13)))
    (if (i32.and (i32.eq (local.get $mr) (i32.const 2)) (i32.eq (local.get $nr) (i32.const 4)))
      (then
        (if (local.get $load)
          (then
            (local.set $r0 (f32x4.add (v128.load (local.get $c)) (local.get $r0)))
            (local.set $r1 (f32x4.add (v128.load (i32.add (local.get $c) (local.get $ldc))) (local.get $r1)))))
        (v128.store (local.get $c) (local.get $r0))
        (v128.store (i32.add (local.get $c) (local.get $ldc)) (local.get $r1))
        (return)))
    (v128.store offset=64 (i32.const 0) (local.get $r0))
    (v128.store offset=80 (i32.const 0) (local.get $r1))
    (call $storeTile (local.get $c) (local.get $ldc) (local.get $mr) (local.get $nr) (i32.const 16) (local.get $load)))

  ;; C (+)= A·B where A's rows and B's columns are contiguous: A[i][k] at a + (i·lda + k)·4,
  ;; B[k][j] at b + (j·ldb + k)·4. K is split into blocks of 512 so that a block of B stays in
  ;; cache while every row pair of A passes over it. M, N ≥ 1 and K ≥ 4.
  (func (export "gemmNT") (param $M i32) (param $N i32) (param $K i32)
        (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32)
        (param $c i32) (param $ldc i32) (param $accumulate i32)
    (local $pc i32) (local $kc i32) (local $i i32) (local $j i32) (local $last i32)
    (local $a0 i32) (local $a1 i32) (local $bj i32) (local $tail i32) (local $load i32)
    (local $lastRow i32) (local $lastCol i32)
    (local.set $lda (i32.shl (local.get $lda) (i32.const 2)))
    (local.set $ldb (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $lastRow (i32.sub (local.get $M) (i32.const 1)))
    (local.set $lastCol (i32.sub (local.get $N) (i32.const 1)))
    (loop $pcLoop
      (local.set $kc (i32.sub (local.get $K) (local.get $pc)))
      (local.set $last (i32.le_u (local.get $kc) (i32.const 512)))
      (if (i32.eqz (local.get $last)) (then (local.set $kc (i32.const 512))))
      ;; Only the last block has a tail (blocks are whole quads).
      (local.set $tail (select (i32.and (local.get $kc) (i32.const 3)) (i32.const 0) (local.get $last)))
      (local.set $load (i32.or (local.get $accumulate) (i32.ne (local.get $pc) (i32.const 0))))
      (local.set $i (i32.const 0))
      (loop $iLoop
        (local.set $a0 (i32.add (local.get $a)
          (i32.add (i32.mul (local.get $i) (local.get $lda)) (i32.shl (local.get $pc) (i32.const 2)))))
        (local.set $a1 (i32.add (local.get $a)
          (i32.add (i32.mul (select (i32.add (local.get $i) (i32.const 1)) (local.get $lastRow)
                                    (i32.lt_u (local.get $i) (local.get $lastRow))) (local.get $lda))
                   (i32.shl (local.get $pc) (i32.const 2)))))
        (local.set $j (i32.const 0))
        (loop $jLoop
          (local.set $bj (i32.add (local.get $b) (i32.shl (local.get $pc) (i32.const 2))))
          (call $tileNT (local.get $a0) (local.get $a1)
            (i32.add (local.get $bj) (i32.mul (local.get $j) (local.get $ldb)))
            (i32.add (local.get $bj) (i32.mul (select (i32.add (local.get $j) (i32.const 1)) (local.get $lastCol)
                                                       (i32.lt_u (i32.add (local.get $j) (i32.const 1)) (local.get $lastCol))) (local.get $ldb)))
            (i32.add (local.get $bj) (i32.mul (select (i32.add (local.get $j) (i32.const 2)) (local.get $lastCol)
                                                       (i32.lt_u (i32.add (local.get $j) (i32.const 2)) (local.get $lastCol))) (local.get $ldb)))
            (i32.add (local.get $bj) (i32.mul (select (i32.add (local.get $j) (i32.const 3)) (local.get $lastCol)
                                                       (i32.lt_u (i32.add (local.get $j) (i32.const 3)) (local.get $lastCol))) (local.get $ldb)))
            (i32.shr_u (local.get $kc) (i32.const 2)) (local.get $tail)
            (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2))))
            (local.get $ldc)
            (select (i32.const 2) (i32.sub (local.get $M) (local.get $i)) (i32.gt_u (i32.sub (local.get $M) (local.get $i)) (i32.const 2)))
            (select (i32.const 4) (i32.sub (local.get $N) (local.get $j)) (i32.gt_u (i32.sub (local.get $N) (local.get $j)) (i32.const 4)))
            (local.get $load))
          (br_if $jLoop (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 4))) (local.get $N))))
        (br_if $iLoop (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 2))) (local.get $M))))
      (br_if $pcLoop (i32.lt_u (local.tee $pc (i32.add (local.get $pc) (i32.const 512))) (local.get $K)))))

  ;; ---- im2col and its adjoint, so that a convolution's column matrix never leaves this memory ----

  ;; n zeros at dst.
  (func $zero (param $dst i32) (param $n i32)
    (block $scalar
      (loop $vector
        (br_if $scalar (i32.lt_u (local.get $n) (i32.const 4)))
        (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
        (br $vector)))
    (block $done
      (loop $one
        (br_if $done (i32.eqz (local.get $n)))
        (f32.store (local.get $dst) (f32.const 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $one))))

  ;; First output column whose input column ow·sw + shift is ≥ 0, at most wo.
  (func $firstColumn (param $shift i32) (param $sw i32) (param $wo i32) (result i32)
    (local $first i32)
    (if (i32.lt_s (local.get $shift) (i32.const 0))
      (then (local.set $first (i32.div_u (i32.sub (i32.sub (local.get $sw) (i32.const 1)) (local.get $shift)) (local.get $sw)))))
    (select (local.get $first) (local.get $wo) (i32.lt_u (local.get $first) (local.get $wo))))

  ;; One past the last output column whose input column ow·sw + shift is < w, at least first.
  (func $endColumn (param $shift i32) (param $sw i32) (param $w i32) (param $wo i32) (param $first i32) (result i32)
    (local $end i32) (local $limit i32)
    (local.set $limit (i32.sub (i32.sub (local.get $w) (i32.const 1)) (local.get $shift)))
    (if (i32.ge_s (local.get $limit) (i32.const 0))
      (then
        (local.set $end (i32.add (i32.div_u (local.get $limit) (local.get $sw)) (i32.const 1)))
        (if (i32.gt_u (local.get $end) (local.get $wo)) (then (local.set $end (local.get $wo))))))
    (select (local.get $end) (local.get $first) (i32.gt_u (local.get $end) (local.get $first))))

  ;; The column matrix [cg·kh·kw, ho·wo] of one image and channel group, x pointing at its first
  ;; channel plane [h, w]: row (ci, ki, kj), column (oh, ow) holds
  ;; x[ci][oh·sh − pt + ki·dh][ow·sw − pl + kj·dw], zero outside the image.
  (func (export "im2col") (param $x i32) (param $cg i32) (param $h i32) (param $w i32)
        (param $kh i32) (param $kw i32) (param $ho i32) (param $wo i32)
        (param $sh i32) (param $sw i32) (param $pt i32) (param $pl i32) (param $dh i32) (param $dw i32)
        (param $cols i32)
    (local $ci i32) (local $ki i32) (local $kj i32) (local $oh i32) (local $ow i32) (local $shift i32)
    (local $first i32) (local $end i32) (local $ih i32) (local $src i32)
    (loop $channels
      (local.set $ki (i32.const 0))
      (loop $kernelRows
        (local.set $kj (i32.const 0))
        (loop $kernelCols
          (local.set $shift (i32.sub (i32.mul (local.get $kj) (local.get $dw)) (local.get $pl)))
          (local.set $first (call $firstColumn (local.get $shift) (local.get $sw) (local.get $wo)))
          (local.set $end (call $endColumn (local.get $shift) (local.get $sw) (local.get $w) (local.get $wo) (local.get $first)))
          (local.set $oh (i32.const 0))
          (loop $outputRows
            (local.set $ih (i32.add (i32.sub (i32.mul (local.get $oh) (local.get $sh)) (local.get $pt))
                                    (i32.mul (local.get $ki) (local.get $dh))))
            (if (i32.lt_u (local.get $ih) (local.get $h))
              (then
                (local.set $src (i32.add (local.get $x)
                  (i32.shl (i32.add (i32.mul (local.get $ih) (local.get $w)) (local.get $shift)) (i32.const 2))))
                ;; Inline loops: rows are short (24 and 8 values in LeNet-5), calls would dominate.
                (local.set $ow (i32.const 0))
                (block $done
                  (loop $left
                    (br_if $done (i32.ge_u (local.get $ow) (local.get $first)))
                    (f32.store (i32.add (local.get $cols) (i32.shl (local.get $ow) (i32.const 2))) (f32.const 0))
                    (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
                    (br $left)))
                (if (i32.eq (local.get $sw) (i32.const 1))
                  (then
                    (block $done
                      (loop $vector
                        (br_if $done (i32.gt_u (i32.add (local.get $ow) (i32.const 4)) (local.get $end)))
                        (v128.store (i32.add (local.get $cols) (i32.shl (local.get $ow) (i32.const 2)))
                          (v128.load (i32.add (local.get $src) (i32.shl (local.get $ow) (i32.const 2)))))
                        (local.set $ow (i32.add (local.get $ow) (i32.const 4)))
                        (br $vector)))
                    (block $done
                      (loop $one
                        (br_if $done (i32.ge_u (local.get $ow) (local.get $end)))
                        (f32.store (i32.add (local.get $cols) (i32.shl (local.get $ow) (i32.const 2)))
                          (f32.load (i32.add (local.get $src) (i32.shl (local.get $ow) (i32.const 2)))))
                        (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
                        (br $one))))
                  (else
                    (block $done
                      (loop $strided
                        (br_if $done (i32.ge_u (local.get $ow) (local.get $end)))
                        (f32.store (i32.add (local.get $cols) (i32.shl (local.get $ow) (i32.const 2)))
                          (f32.load (i32.add (local.get $src) (i32.shl (i32.mul (local.get $ow) (local.get $sw)) (i32.const 2)))))
                        (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
                        (br $strided)))))
                (block $done
                  (loop $right
                    (br_if $done (i32.ge_u (local.get $ow) (local.get $wo)))
                    (f32.store (i32.add (local.get $cols) (i32.shl (local.get $ow) (i32.const 2))) (f32.const 0))
                    (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
                    (br $right))))
              (else (call $zero (local.get $cols) (local.get $wo))))
            (local.set $cols (i32.add (local.get $cols) (i32.shl (local.get $wo) (i32.const 2))))
            (br_if $outputRows (i32.lt_u (local.tee $oh (i32.add (local.get $oh) (i32.const 1))) (local.get $ho))))
          (br_if $kernelCols (i32.lt_u (local.tee $kj (i32.add (local.get $kj) (i32.const 1))) (local.get $kw))))
        (br_if $kernelRows (i32.lt_u (local.tee $ki (i32.add (local.get $ki) (i32.const 1))) (local.get $kh))))
      (local.set $x (i32.add (local.get $x) (i32.shl (i32.mul (local.get $h) (local.get $w)) (i32.const 2))))
      (br_if $channels (i32.lt_u (local.tee $ci (i32.add (local.get $ci) (i32.const 1))) (local.get $cg)))))

  ;; The adjoint of im2col: every column-matrix value added into the input position it was read
  ;; from, in the same order as the JavaScript col2im (so both give the same sums).
  (func (export "col2im") (param $dx i32) (param $cg i32) (param $h i32) (param $w i32)
        (param $kh i32) (param $kw i32) (param $ho i32) (param $wo i32)
        (param $sh i32) (param $sw i32) (param $pt i32) (param $pl i32) (param $dh i32) (param $dw i32)
        (param $cols i32)
    (local $ci i32) (local $ki i32) (local $kj i32) (local $oh i32) (local $ow i32) (local $shift i32)
    (local $first i32) (local $end i32) (local $ih i32) (local $dst i32) (local $src i32) (local $n i32)
    (loop $channels
      (local.set $ki (i32.const 0))
      (loop $kernelRows
        (local.set $kj (i32.const 0))
        (loop $kernelCols
          (local.set $shift (i32.sub (i32.mul (local.get $kj) (local.get $dw)) (local.get $pl)))
          (local.set $first (call $firstColumn (local.get $shift) (local.get $sw) (local.get $wo)))
          (local.set $end (call $endColumn (local.get $shift) (local.get $sw) (local.get $w) (local.get $wo) (local.get $first)))
          (local.set $oh (i32.const 0))
          (loop $outputRows
            (local.set $ih (i32.add (i32.sub (i32.mul (local.get $oh) (local.get $sh)) (local.get $pt))
                                    (i32.mul (local.get $ki) (local.get $dh))))
            (if (i32.lt_u (local.get $ih) (local.get $h))
              (then
                (local.set $dst (i32.add (local.get $dx)
                  (i32.shl (i32.add (i32.mul (local.get $ih) (local.get $w)) (local.get $shift)) (i32.const 2))))
                (local.set $src (i32.add (local.get $cols) (i32.shl (local.get $first) (i32.const 2))))
                (local.set $ow (local.get $first))
                (if (i32.eq (local.get $sw) (i32.const 1))
                  (then
                    (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $first) (i32.const 2))))
                    (local.set $n (i32.sub (local.get $end) (local.get $first)))
                    (block $scalar
                      (loop $vector
                        (br_if $scalar (i32.lt_u (local.get $n) (i32.const 4)))
                        (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
                        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                        (local.set $src (i32.add (local.get $src) (i32.const 16)))
                        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
                        (br $vector)))
                    (block $done
                      (loop $one
                        (br_if $done (i32.eqz (local.get $n)))
                        (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
                        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                        (local.set $src (i32.add (local.get $src) (i32.const 4)))
                        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                        (br $one))))
                  (else
                    (local.set $dst (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $first) (local.get $sw)) (i32.const 2))))
                    (block $done
                      (loop $strided
                        (br_if $done (i32.ge_u (local.get $ow) (local.get $end)))
                        (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
                        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $sw) (i32.const 2))))
                        (local.set $src (i32.add (local.get $src) (i32.const 4)))
                        (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
                        (br $strided)))))))
            (local.set $cols (i32.add (local.get $cols) (i32.shl (local.get $wo) (i32.const 2))))
            (br_if $outputRows (i32.lt_u (local.tee $oh (i32.add (local.get $oh) (i32.const 1))) (local.get $ho))))
          (br_if $kernelCols (i32.lt_u (local.tee $kj (i32.add (local.get $kj) (i32.const 1))) (local.get $kw))))
        (br_if $kernelRows (i32.lt_u (local.tee $ki (i32.add (local.get $ki) (i32.const 1))) (local.get $kh))))
      (local.set $dx (i32.add (local.get $dx) (i32.shl (i32.mul (local.get $h) (local.get $w)) (i32.const 2))))
      (br_if $channels (i32.lt_u (local.tee $ci (i32.add (local.get $ci) (i32.const 1))) (local.get $cg)))))
)

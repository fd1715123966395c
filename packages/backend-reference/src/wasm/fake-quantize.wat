;; Fake quantization and its fused gradient on float32 with 128-bit SIMD (f32x4), for elements that
;; share one scale and zero point (a whole tensor, or one run of a per-channel layout).
;;
;; Assembled by scripts/assemble-wasm.mjs into fake-quantize-module.ts; src/impl/fake-quantize-wasm.ts
;; stages operands in this memory (byte addresses chosen by the caller, any alignment) and copies
;; results out. Outputs may overwrite inputs in place: every element is read before it is written.
;;
;; Bit-identical to core's composite, signs of zero and NaN included, because every step is the
;; same IEEE float32 operation in the same order:
;;   q = nearest(x / s + zp)           f32x4.div, f32x4.add, f32x4.nearest (round half to even, −0 kept)
;;   c = q < qmin ? qmin : (q > qmax ? qmax : q)
;;                                     f32x4.pmax then f32x4.pmin: torch.clamp keeps NaN and −0,
;;                                     which min/max (NaN-propagating, −0 < +0) would not
;;   y = (c − zp) · s
;; Lanes left over from a multiple of 4 take the same steps in scalar f32 ops.
(module
  (memory (export "memory") 4)

  ;; torch.clamp as pmax/pmin compute it, one lane: q < lo ? lo : (hi < q' ? hi : q').
  (func $clamp (param $q f32) (param $lo f32) (param $hi f32) (result f32)
    (local.set $q (select (local.get $lo) (local.get $q) (f32.lt (local.get $q) (local.get $lo))))
    (select (local.get $hi) (local.get $q) (f32.lt (local.get $hi) (local.get $q))))

  ;; out[i] = fakeQuantize(x[i]) for i < n, addresses in bytes.
  (func (export "fakeQuantize") (param $x i32) (param $out i32) (param $n i32)
                                (param $s f32) (param $zp f32) (param $qmin f32) (param $qmax f32)
    (local $end i32) (local $vs v128) (local $vzp v128) (local $vlo v128) (local $vhi v128)
    (local.set $vs (f32x4.splat (local.get $s)))
    (local.set $vzp (f32x4.splat (local.get $zp)))
    (local.set $vlo (f32x4.splat (local.get $qmin)))
    (local.set $vhi (f32x4.splat (local.get $qmax)))
    ;; Four lanes at a time up to the last multiple of 4.
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (loop $vectors
        (v128.store align=4 (local.get $out)
          (f32x4.mul
            (f32x4.sub
              (f32x4.pmin
                (f32x4.pmax
                  (f32x4.nearest (f32x4.add (f32x4.div (v128.load align=4 (local.get $x)) (local.get $vs)) (local.get $vzp)))
                  (local.get $vlo))
                (local.get $vhi))
              (local.get $vzp))
            (local.get $vs)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br_if $vectors (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 16))) (local.get $end)))))
    ;; The 0–3 left over.
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $tailDone
      (br_if $tailDone (i32.ge_u (local.get $x) (local.get $end)))
      (loop $tail
        (f32.store (local.get $out)
          (f32.mul
            (f32.sub
              (call $clamp
                (f32.nearest (f32.add (f32.div (f32.load (local.get $x)) (local.get $s)) (local.get $zp)))
                (local.get $qmin) (local.get $qmax))
              (local.get $zp))
            (local.get $s)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br_if $tail (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 4))) (local.get $end))))))

  ;; The gradient parts for i < n (see FakeQuantizeGrad in core's kernel-names.ts), in float32 and
  ;; in the composite's order, with r = nearest(x/s + zp), c = clamp(r) and the mask m:
  ;;   zero-gradient clamp:     m = (qmin ≤ r ≤ qmax) ? 1 : 0 (NaN: 0)
  ;;                            dx = dy·m,  ds = dy·((c − zp) − m·(x/s)),  dzp = (dy·s)·(m − 1)
  ;;   straight-through clamp:  dx = dy·1,  ds = dy·((c − zp) − x/s),      dzp = +0
  ;; The products with m are real multiplications, not selections: dy·0 is −0 for negative dy and
  ;; NaN for infinite dy, as the composite computes.
  (func (export "fakeQuantizeGrad") (param $dy i32) (param $x i32) (param $dx i32) (param $ds i32) (param $dzp i32)
                                    (param $n i32) (param $s f32) (param $zp f32) (param $qmin f32) (param $qmax f32)
                                    (param $straightThrough i32)
    (local $end i32) (local $vs v128) (local $vzp v128) (local $vlo v128) (local $vhi v128)
    (local $one v128) (local $g v128) (local $scaled v128) (local $r v128) (local $c v128) (local $m v128)
    (local $fg f32) (local $fscaled f32) (local $fr f32) (local $fm f32)
    (local.set $vs (f32x4.splat (local.get $s)))
    (local.set $vzp (f32x4.splat (local.get $zp)))
    (local.set $vlo (f32x4.splat (local.get $qmin)))
    (local.set $vhi (f32x4.splat (local.get $qmax)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (if (local.get $straightThrough)
        (then
          (loop $straight
            (local.set $g (v128.load align=4 (local.get $dy)))
            (local.set $scaled (f32x4.div (v128.load align=4 (local.get $x)) (local.get $vs)))
            (local.set $c (f32x4.pmin (f32x4.pmax (f32x4.nearest (f32x4.add (local.get $scaled) (local.get $vzp))) (local.get $vlo)) (local.get $vhi)))
            (v128.store align=4 (local.get $dx) (f32x4.mul (local.get $g) (local.get $one)))
            (v128.store align=4 (local.get $ds)
              (f32x4.mul (local.get $g) (f32x4.sub (f32x4.sub (local.get $c) (local.get $vzp)) (local.get $scaled))))
            (v128.store align=4 (local.get $dzp) (v128.const i32x4 0 0 0 0))
            (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
            (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
            (local.set $ds (i32.add (local.get $ds) (i32.const 16)))
            (local.set $dzp (i32.add (local.get $dzp) (i32.const 16)))
            (br_if $straight (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 16))) (local.get $end)))))
        (else
          (loop $masked
            (local.set $g (v128.load align=4 (local.get $dy)))
            (local.set $scaled (f32x4.div (v128.load align=4 (local.get $x)) (local.get $vs)))
            (local.set $r (f32x4.nearest (f32x4.add (local.get $scaled) (local.get $vzp))))
            (local.set $c (f32x4.pmin (f32x4.pmax (local.get $r) (local.get $vlo)) (local.get $vhi)))
            ;; 1.0 where qmin ≤ r ≤ qmax, +0 elsewhere (the comparisons are false for NaN).
            (local.set $m (v128.bitselect (local.get $one) (v128.const i32x4 0 0 0 0)
                            (v128.and (f32x4.ge (local.get $r) (local.get $vlo)) (f32x4.le (local.get $r) (local.get $vhi)))))
            (v128.store align=4 (local.get $dx) (f32x4.mul (local.get $g) (local.get $m)))
            (v128.store align=4 (local.get $ds)
              (f32x4.mul (local.get $g)
                (f32x4.sub (f32x4.sub (local.get $c) (local.get $vzp)) (f32x4.mul (local.get $m) (local.get $scaled)))))
            (v128.store align=4 (local.get $dzp)
              (f32x4.mul (f32x4.mul (local.get $g) (local.get $vs)) (f32x4.sub (local.get $m) (local.get $one))))
            (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
            (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
            (local.set $ds (i32.add (local.get $ds) (i32.const 16)))
            (local.set $dzp (i32.add (local.get $dzp) (i32.const 16)))
            (br_if $masked (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 16))) (local.get $end)))))))
    ;; The 0–3 left over, one lane at a time.
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $tailDone
      (br_if $tailDone (i32.ge_u (local.get $x) (local.get $end)))
      (loop $tail
        (local.set $fg (f32.load (local.get $dy)))
        (local.set $fscaled (f32.div (f32.load (local.get $x)) (local.get $s)))
        (local.set $fr (f32.nearest (f32.add (local.get $fscaled) (local.get $zp))))
        (local.set $fm
          (select (f32.const 1) (f32.const 0)
            (i32.or (local.get $straightThrough)
              (i32.and (f32.ge (local.get $fr) (local.get $qmin)) (f32.le (local.get $fr) (local.get $qmax))))))
        (f32.store (local.get $dx) (f32.mul (local.get $fg) (local.get $fm)))
        (f32.store (local.get $ds)
          (f32.mul (local.get $fg)
            (f32.sub (f32.sub (call $clamp (local.get $fr) (local.get $qmin) (local.get $qmax)) (local.get $zp))
                     (f32.mul (local.get $fm) (local.get $fscaled)))))
        (f32.store (local.get $dzp)
          (select (f32.const 0)
                  (f32.mul (f32.mul (local.get $fg) (local.get $s)) (f32.sub (local.get $fm) (f32.const 1)))
                  (local.get $straightThrough)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 4)))
        (local.set $ds (i32.add (local.get $ds) (i32.const 4)))
        (local.set $dzp (i32.add (local.get $dzp) (i32.const 4)))
        (br_if $tail (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 4))) (local.get $end)))))))

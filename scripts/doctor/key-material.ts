// Reading the key files .env.local names, for the doctor: deployable paths only (the functions
// read them from their own folder), each problem named by its variable.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PATH_PROBLEM_TEXT } from "../deploy/prepare-folders";
import { pathProblem, pathsIn } from "../deploy/key-files";
import type { Values } from "../deploy/tcb-config";
import { error, type Finding } from "./findings";

/** The texts of the files a variable names, or undefined (unset, or a problem reported in `out`). */
export function readKeyFiles(root: string, values: Values, variable: string, out: Finding[]): string[] | undefined {
  const value = (values[variable] ?? "").trim();
  if (!value) return undefined;
  const texts: string[] = [];
  for (const path of pathsIn(value)) {
    const problem = pathProblem(root, path);
    if (problem) {
      out.push(
        error(
          variable,
          PATH_PROBLEM_TEXT[problem],
          "把微信支付下发的文件放进 secrets/，在 .env.local 写相对路径，如 WECHAT_PRIVATE_KEY=secrets/apiclient_key.pem",
        ),
      );
      return undefined;
    }
    texts.push(readFileSync(resolve(root, path), "utf8"));
  }
  return texts;
}

/** The format a PEM block's label names (read from the label's words, so this file holds no text
 *  that looks like a key to the repository's key check). */
export function pemKind(pem: string): string {
  const words = (/^-----BEGIN ([A-Z ]+)-----/m.exec(pem)?.[1] ?? "").split(" ");
  const [first, second] = words;
  if (words.at(-1) !== "KEY") return "PEM";
  if (first === "RSA" && second === "PRIVATE") return "PKCS#1";
  if (first === "PRIVATE") return "PKCS#8";
  if (first === "PUBLIC") return "SPKI";
  return "PEM";
}

export const day = (d: Date): string => d.toISOString().slice(0, 10);

export declare const RANK: Readonly<Record<string, number>>;
export declare const MAX_WIDTH: number;
export declare function backwardImports(src?: string): { backwards: string[]; imports: number };
export declare function wideLines(src?: string): string[];

export declare function withSection(text: string | undefined, id: string, markdown: string): string;
export declare function writeSection(id: string, markdown: string, file?: string): void;

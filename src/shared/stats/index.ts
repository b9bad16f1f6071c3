export * from './student-t';
export * from './paired';
